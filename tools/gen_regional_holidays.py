"""Print the table of countries whose every region keeps public holidays the nationwide list
lacks (``slacode.holiday_days.REGIONAL_HOLIDAYS``, SLA397), from the installed ``holidays``
package, over the years ``YEARS``. Paste the output over the table when the package changes.

    python3 tools/gen_regional_holidays.py
"""
from __future__ import annotations

import pprint

import holidays
from holidays import list_supported_countries

YEARS = range(2024, 2029)


def regional() -> dict[str, tuple[str, ...]]:
    out = {}
    for code, subdivisions in sorted(list_supported_countries().items()):
        if len(code) != 2 or not subdivisions:
            continue                    # (three-letter aliases: the two-letter code's table)
        nationwide = set(holidays.country_holidays(code, years=YEARS))
        regions = []
        for sub in subdivisions:
            try:
                days = set(holidays.country_holidays(code, subdiv=sub, years=YEARS))
            except (NotImplementedError, KeyError, ValueError):
                continue
            regions.append((sub, bool(days - nationwide)))
        if regions and all(extra for _, extra in regions):
            out[code] = tuple(sub for sub, _ in regions)
    return out


if __name__ == "__main__":
    print(f"#: (holidays {holidays.__version__}, years {YEARS.start}-{YEARS.stop - 1})")
    print("REGIONAL_HOLIDAYS = {")
    for code, subs in regional().items():
        text = pprint.pformat(subs, width=104, compact=True).replace("\n", "\n" + " " * 10)
        print(f"    {code!r}: {text},")
    print("}")
