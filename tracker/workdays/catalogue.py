"""Indonesia's national holidays and cuti bersama, 2018-2025: the rows revision 0007 inserted.

Each row is (date, kind, name, source). ``kind`` is "holiday" (hari libur nasional, set by the
SKB 3 Menteri of the year or a presidential decree for an election day) or "cuti_bersama"
(collective leave, set by the same SKB and its amendments). Rows give the dates as finally in
force after the amendments of the year (2020 and 2021 were amended several times: the cuti
bersama that were cancelled are not here). Holidays that fell on a weekend are listed too,
since the calendar says so, although a weekend is closed anyway.

2026 and later are left out on purpose: their decrees are not known reliably here. A
superadmin adds them on /staf/hari-libur when the SKB for the year is signed.
"""

from __future__ import annotations

from datetime import date

HOLIDAY = "holiday"
CUTI_BERSAMA = "cuti_bersama"


def _skb(year: int, amended: bool = False) -> str:
    return f"SKB 3 Menteri {year}" + (" (perubahan)" if amended else "")


_RAW: list[tuple[str, str, str, str]] = [
    # 2018: SKB 3 Menteri 2018, cuti bersama Idul Fitri widened by its amendment of April 2018.
    ("2018-01-01", HOLIDAY, "Tahun Baru 2018 Masehi", _skb(2018)),
    ("2018-02-16", HOLIDAY, "Tahun Baru Imlek 2569", _skb(2018)),
    ("2018-03-17", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1940", _skb(2018)),
    ("2018-03-30", HOLIDAY, "Wafat Isa Almasih", _skb(2018)),
    ("2018-04-14", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2018)),
    ("2018-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2018)),
    ("2018-05-10", HOLIDAY, "Kenaikan Isa Almasih", _skb(2018)),
    ("2018-05-29", HOLIDAY, "Hari Raya Waisak 2562", _skb(2018)),
    ("2018-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2018)),
    ("2018-06-11", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1439 H", _skb(2018, True)),
    ("2018-06-12", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1439 H", _skb(2018, True)),
    ("2018-06-13", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1439 H", _skb(2018)),
    ("2018-06-14", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1439 H", _skb(2018)),
    ("2018-06-15", HOLIDAY, "Hari Raya Idul Fitri 1439 H", _skb(2018)),
    ("2018-06-16", HOLIDAY, "Hari Raya Idul Fitri 1439 H", _skb(2018)),
    ("2018-06-18", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1439 H", _skb(2018)),
    ("2018-06-19", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1439 H", _skb(2018)),
    ("2018-06-20", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1439 H", _skb(2018, True)),
    (
        "2018-06-27",
        HOLIDAY,
        "Pemungutan suara Pilkada serentak",
        "Keppres 2018 (hari pemungutan suara)",
    ),
    ("2018-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2018)),
    ("2018-08-22", HOLIDAY, "Hari Raya Idul Adha 1439 H", _skb(2018)),
    ("2018-09-11", HOLIDAY, "Tahun Baru Islam 1440 H", _skb(2018)),
    ("2018-11-20", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2018)),
    ("2018-12-24", CUTI_BERSAMA, "Cuti bersama Hari Raya Natal", _skb(2018)),
    ("2018-12-25", HOLIDAY, "Hari Raya Natal", _skb(2018)),
    # 2019
    ("2019-01-01", HOLIDAY, "Tahun Baru 2019 Masehi", _skb(2019)),
    ("2019-02-05", HOLIDAY, "Tahun Baru Imlek 2570", _skb(2019)),
    ("2019-03-07", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1941", _skb(2019)),
    ("2019-04-03", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2019)),
    ("2019-04-17", HOLIDAY, "Pemungutan suara Pemilu 2019", "Keppres 2019 (hari pemungutan suara)"),
    ("2019-04-19", HOLIDAY, "Wafat Isa Almasih", _skb(2019)),
    ("2019-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2019)),
    ("2019-05-19", HOLIDAY, "Hari Raya Waisak 2563", _skb(2019)),
    ("2019-05-30", HOLIDAY, "Kenaikan Isa Almasih", _skb(2019)),
    ("2019-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2019)),
    ("2019-06-03", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1440 H", _skb(2019)),
    ("2019-06-04", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1440 H", _skb(2019)),
    ("2019-06-05", HOLIDAY, "Hari Raya Idul Fitri 1440 H", _skb(2019)),
    ("2019-06-06", HOLIDAY, "Hari Raya Idul Fitri 1440 H", _skb(2019)),
    ("2019-06-07", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1440 H", _skb(2019)),
    ("2019-08-11", HOLIDAY, "Hari Raya Idul Adha 1440 H", _skb(2019)),
    ("2019-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2019)),
    ("2019-09-01", HOLIDAY, "Tahun Baru Islam 1441 H", _skb(2019)),
    ("2019-11-09", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2019)),
    ("2019-12-24", CUTI_BERSAMA, "Cuti bersama Hari Raya Natal", _skb(2019)),
    ("2019-12-25", HOLIDAY, "Hari Raya Natal", _skb(2019)),
    # 2020: the SKB was amended several times; the cuti bersama of Idul Fitri were moved to the
    # end of the year, and then 28-30 December were cancelled.
    ("2020-01-01", HOLIDAY, "Tahun Baru 2020 Masehi", _skb(2020)),
    ("2020-01-25", HOLIDAY, "Tahun Baru Imlek 2571", _skb(2020)),
    ("2020-03-22", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2020)),
    ("2020-03-25", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1942", _skb(2020)),
    ("2020-04-10", HOLIDAY, "Wafat Isa Almasih", _skb(2020)),
    ("2020-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2020)),
    ("2020-05-07", HOLIDAY, "Hari Raya Waisak 2564", _skb(2020)),
    ("2020-05-21", HOLIDAY, "Kenaikan Isa Almasih", _skb(2020)),
    ("2020-05-24", HOLIDAY, "Hari Raya Idul Fitri 1441 H", _skb(2020)),
    ("2020-05-25", HOLIDAY, "Hari Raya Idul Fitri 1441 H", _skb(2020)),
    ("2020-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2020)),
    ("2020-07-31", HOLIDAY, "Hari Raya Idul Adha 1441 H", _skb(2020)),
    ("2020-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2020)),
    ("2020-08-20", HOLIDAY, "Tahun Baru Islam 1442 H", _skb(2020)),
    ("2020-08-21", CUTI_BERSAMA, "Cuti bersama Tahun Baru Islam", _skb(2020, True)),
    ("2020-10-28", CUTI_BERSAMA, "Cuti bersama Maulid Nabi Muhammad SAW", _skb(2020, True)),
    ("2020-10-29", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2020, True)),
    ("2020-10-30", CUTI_BERSAMA, "Cuti bersama Maulid Nabi Muhammad SAW", _skb(2020, True)),
    (
        "2020-12-09",
        HOLIDAY,
        "Pemungutan suara Pilkada serentak",
        "Keppres 2020 (hari pemungutan suara)",
    ),
    ("2020-12-24", CUTI_BERSAMA, "Cuti bersama Hari Raya Natal", _skb(2020, True)),
    ("2020-12-25", HOLIDAY, "Hari Raya Natal", _skb(2020)),
    ("2020-12-31", CUTI_BERSAMA, "Cuti bersama pengganti Idul Fitri", _skb(2020, True)),
    # 2021: every cuti bersama of the year was cancelled by the amendments.
    ("2021-01-01", HOLIDAY, "Tahun Baru 2021 Masehi", _skb(2021)),
    ("2021-02-12", HOLIDAY, "Tahun Baru Imlek 2572", _skb(2021)),
    ("2021-03-11", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2021)),
    ("2021-03-14", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1943", _skb(2021)),
    ("2021-04-02", HOLIDAY, "Wafat Isa Almasih", _skb(2021)),
    ("2021-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2021)),
    ("2021-05-13", HOLIDAY, "Kenaikan Isa Almasih", _skb(2021)),
    ("2021-05-13", HOLIDAY, "Hari Raya Idul Fitri 1442 H", _skb(2021)),
    ("2021-05-14", HOLIDAY, "Hari Raya Idul Fitri 1442 H", _skb(2021)),
    ("2021-05-26", HOLIDAY, "Hari Raya Waisak 2565", _skb(2021)),
    ("2021-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2021)),
    ("2021-07-20", HOLIDAY, "Hari Raya Idul Adha 1442 H", _skb(2021)),
    ("2021-08-11", HOLIDAY, "Tahun Baru Islam 1443 H", _skb(2021, True)),
    ("2021-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2021)),
    ("2021-10-19", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2021, True)),
    ("2021-12-25", HOLIDAY, "Hari Raya Natal", _skb(2021)),
    # 2022
    ("2022-01-01", HOLIDAY, "Tahun Baru 2022 Masehi", _skb(2022)),
    ("2022-02-01", HOLIDAY, "Tahun Baru Imlek 2573", _skb(2022)),
    ("2022-02-28", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2022)),
    ("2022-03-03", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1944", _skb(2022)),
    ("2022-04-15", HOLIDAY, "Wafat Isa Almasih", _skb(2022)),
    ("2022-04-29", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1443 H", _skb(2022)),
    ("2022-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2022)),
    ("2022-05-02", HOLIDAY, "Hari Raya Idul Fitri 1443 H", _skb(2022)),
    ("2022-05-03", HOLIDAY, "Hari Raya Idul Fitri 1443 H", _skb(2022)),
    ("2022-05-04", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1443 H", _skb(2022)),
    ("2022-05-05", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1443 H", _skb(2022)),
    ("2022-05-06", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1443 H", _skb(2022)),
    ("2022-05-16", HOLIDAY, "Hari Raya Waisak 2566", _skb(2022)),
    ("2022-05-26", HOLIDAY, "Kenaikan Isa Almasih", _skb(2022)),
    ("2022-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2022)),
    ("2022-07-10", HOLIDAY, "Hari Raya Idul Adha 1443 H", _skb(2022, True)),
    ("2022-07-30", HOLIDAY, "Tahun Baru Islam 1444 H", _skb(2022)),
    ("2022-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2022)),
    ("2022-10-08", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2022)),
    ("2022-12-25", HOLIDAY, "Hari Raya Natal", _skb(2022)),
    # 2023
    ("2023-01-01", HOLIDAY, "Tahun Baru 2023 Masehi", _skb(2023)),
    ("2023-01-22", HOLIDAY, "Tahun Baru Imlek 2574", _skb(2023)),
    ("2023-01-23", CUTI_BERSAMA, "Cuti bersama Tahun Baru Imlek", _skb(2023)),
    ("2023-02-18", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2023)),
    ("2023-03-22", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1945", _skb(2023)),
    ("2023-03-23", CUTI_BERSAMA, "Cuti bersama Hari Suci Nyepi", _skb(2023)),
    ("2023-04-07", HOLIDAY, "Wafat Isa Almasih", _skb(2023)),
    ("2023-04-19", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1444 H", _skb(2023, True)),
    ("2023-04-20", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1444 H", _skb(2023)),
    ("2023-04-21", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1444 H", _skb(2023)),
    ("2023-04-22", HOLIDAY, "Hari Raya Idul Fitri 1444 H", _skb(2023)),
    ("2023-04-23", HOLIDAY, "Hari Raya Idul Fitri 1444 H", _skb(2023)),
    ("2023-04-24", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1444 H", _skb(2023)),
    ("2023-04-25", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1444 H", _skb(2023)),
    ("2023-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2023)),
    ("2023-05-18", HOLIDAY, "Kenaikan Isa Almasih", _skb(2023)),
    ("2023-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2023)),
    ("2023-06-02", CUTI_BERSAMA, "Cuti bersama Hari Raya Waisak", _skb(2023)),
    ("2023-06-04", HOLIDAY, "Hari Raya Waisak 2567", _skb(2023)),
    ("2023-06-28", CUTI_BERSAMA, "Cuti bersama Idul Adha 1444 H", _skb(2023, True)),
    ("2023-06-29", HOLIDAY, "Hari Raya Idul Adha 1444 H", _skb(2023)),
    ("2023-06-30", CUTI_BERSAMA, "Cuti bersama Idul Adha 1444 H", _skb(2023, True)),
    ("2023-07-19", HOLIDAY, "Tahun Baru Islam 1445 H", _skb(2023)),
    ("2023-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2023)),
    ("2023-09-28", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2023)),
    ("2023-12-25", HOLIDAY, "Hari Raya Natal", _skb(2023)),
    ("2023-12-26", CUTI_BERSAMA, "Cuti bersama Hari Raya Natal", _skb(2023)),
    # 2024: Easter Sunday is a national holiday from this year on.
    ("2024-01-01", HOLIDAY, "Tahun Baru 2024 Masehi", _skb(2024)),
    ("2024-02-08", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2024)),
    ("2024-02-09", CUTI_BERSAMA, "Cuti bersama Tahun Baru Imlek", _skb(2024)),
    ("2024-02-10", HOLIDAY, "Tahun Baru Imlek 2575", _skb(2024)),
    ("2024-02-14", HOLIDAY, "Pemungutan suara Pemilu 2024", "Keppres 2024 (hari pemungutan suara)"),
    ("2024-03-11", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1946", _skb(2024)),
    ("2024-03-12", CUTI_BERSAMA, "Cuti bersama Hari Suci Nyepi", _skb(2024)),
    ("2024-03-29", HOLIDAY, "Wafat Isa Almasih", _skb(2024)),
    ("2024-03-31", HOLIDAY, "Hari Paskah", _skb(2024)),
    ("2024-04-08", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1445 H", _skb(2024)),
    ("2024-04-09", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1445 H", _skb(2024)),
    ("2024-04-10", HOLIDAY, "Hari Raya Idul Fitri 1445 H", _skb(2024)),
    ("2024-04-11", HOLIDAY, "Hari Raya Idul Fitri 1445 H", _skb(2024)),
    ("2024-04-12", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1445 H", _skb(2024)),
    ("2024-04-15", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1445 H", _skb(2024)),
    ("2024-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2024)),
    ("2024-05-09", HOLIDAY, "Kenaikan Isa Almasih", _skb(2024)),
    ("2024-05-10", CUTI_BERSAMA, "Cuti bersama Kenaikan Isa Almasih", _skb(2024)),
    ("2024-05-23", HOLIDAY, "Hari Raya Waisak 2568", _skb(2024)),
    ("2024-05-24", CUTI_BERSAMA, "Cuti bersama Hari Raya Waisak", _skb(2024)),
    ("2024-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2024)),
    ("2024-06-17", HOLIDAY, "Hari Raya Idul Adha 1445 H", _skb(2024)),
    ("2024-06-18", CUTI_BERSAMA, "Cuti bersama Idul Adha 1445 H", _skb(2024)),
    ("2024-07-07", HOLIDAY, "Tahun Baru Islam 1446 H", _skb(2024)),
    ("2024-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2024)),
    ("2024-09-16", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2024)),
    (
        "2024-11-27",
        HOLIDAY,
        "Pemungutan suara Pilkada serentak",
        "Keppres 2024 (hari pemungutan suara)",
    ),
    ("2024-12-25", HOLIDAY, "Hari Raya Natal", _skb(2024)),
    ("2024-12-26", CUTI_BERSAMA, "Cuti bersama Hari Raya Natal", _skb(2024)),
    # 2025: 18 August added as cuti bersama by the amendment of August 2025.
    ("2025-01-01", HOLIDAY, "Tahun Baru 2025 Masehi", _skb(2025)),
    ("2025-01-27", HOLIDAY, "Isra Mi'raj Nabi Muhammad SAW", _skb(2025)),
    ("2025-01-28", CUTI_BERSAMA, "Cuti bersama Tahun Baru Imlek", _skb(2025)),
    ("2025-01-29", HOLIDAY, "Tahun Baru Imlek 2576", _skb(2025)),
    ("2025-03-28", CUTI_BERSAMA, "Cuti bersama Hari Suci Nyepi", _skb(2025)),
    ("2025-03-29", HOLIDAY, "Hari Suci Nyepi Tahun Baru Saka 1947", _skb(2025)),
    ("2025-03-31", HOLIDAY, "Hari Raya Idul Fitri 1446 H", _skb(2025)),
    ("2025-04-01", HOLIDAY, "Hari Raya Idul Fitri 1446 H", _skb(2025)),
    ("2025-04-02", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1446 H", _skb(2025)),
    ("2025-04-03", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1446 H", _skb(2025)),
    ("2025-04-04", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1446 H", _skb(2025)),
    ("2025-04-07", CUTI_BERSAMA, "Cuti bersama Idul Fitri 1446 H", _skb(2025)),
    ("2025-04-18", HOLIDAY, "Wafat Isa Almasih", _skb(2025)),
    ("2025-04-20", HOLIDAY, "Hari Paskah", _skb(2025)),
    ("2025-05-01", HOLIDAY, "Hari Buruh Internasional", _skb(2025)),
    ("2025-05-12", HOLIDAY, "Hari Raya Waisak 2569", _skb(2025)),
    ("2025-05-13", CUTI_BERSAMA, "Cuti bersama Hari Raya Waisak", _skb(2025)),
    ("2025-05-29", HOLIDAY, "Kenaikan Isa Almasih", _skb(2025)),
    ("2025-05-30", CUTI_BERSAMA, "Cuti bersama Kenaikan Isa Almasih", _skb(2025)),
    ("2025-06-01", HOLIDAY, "Hari Lahir Pancasila", _skb(2025)),
    ("2025-06-06", HOLIDAY, "Hari Raya Idul Adha 1446 H", _skb(2025)),
    ("2025-06-09", CUTI_BERSAMA, "Cuti bersama Idul Adha 1446 H", _skb(2025)),
    ("2025-06-27", HOLIDAY, "Tahun Baru Islam 1447 H", _skb(2025)),
    ("2025-08-17", HOLIDAY, "Hari Kemerdekaan Republik Indonesia", _skb(2025)),
    ("2025-08-18", CUTI_BERSAMA, "Cuti bersama Hari Kemerdekaan", _skb(2025, True)),
    ("2025-09-05", HOLIDAY, "Maulid Nabi Muhammad SAW", _skb(2025)),
    ("2025-12-25", HOLIDAY, "Hari Raya Natal", _skb(2025)),
    ("2025-12-26", CUTI_BERSAMA, "Cuti bersama Hari Raya Natal", _skb(2025)),
]


def _rows() -> list[tuple[date, str, str, str]]:
    """Return one row per day: two holidays on one day (13 May 2021) share it, names joined."""
    merged: dict[date, tuple[str, str, str]] = {}
    for day_text, kind, name, source in _RAW:
        day = date.fromisoformat(day_text)
        if day in merged:
            old_kind, old_name, old_source = merged[day]
            merged[day] = (old_kind, f"{old_name}; {name}", old_source)
        else:
            merged[day] = (kind, name, source)
    return [(day, *merged[day]) for day in sorted(merged)]


# (date, kind, name, source), one per day, in date order.
HOLIDAYS: list[tuple[date, str, str, str]] = _rows()
# The years the seed covers completely.
SEEDED_YEARS = tuple(range(2018, 2026))
