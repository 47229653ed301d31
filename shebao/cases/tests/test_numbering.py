import threading

import pytest
from django.db import connection, transaction

from shebao.cases.models import NumberCounter
from shebao.cases.numbering import close_side_connection, next_number


@pytest.mark.django_db
def test_numbers_increase_per_prefix():
    assert next_number("ZZ20260101") == "ZZ2026010100001"
    assert next_number("ZZ20260101") == "ZZ2026010100002"
    assert next_number("ZZ20260102") == "ZZ2026010200001"
    assert NumberCounter.objects.get(prefix="ZZ20260101").last == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_transactions_get_distinct_numbers_without_waiting():
    """Eight threads each hold an open transaction while taking numbers: none waits, none repeats."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: concurrent write transactions cannot exist there")
    results: list[str] = []
    errors: list[BaseException] = []
    inside = threading.Barrier(8, timeout=20)

    def worker() -> None:
        try:
            with transaction.atomic():
                got = [next_number("RACE") for _ in range(5)]
                inside.wait()  # every thread holds its transaction open at once, numbers taken
                results.extend(got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_side_connection()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(results) == 40 and len(set(results)) == 40
    assert sorted(results)[-1] == "RACE00040"
