"""Which days a calendar's `holidays` line closes: categories and names (an extension), and
the country a timezone belongs to.

``holidays "BR"`` closes the public holidays the ``holidays`` package lists for Brazil (its
default category, ``public``). ``holidays "BR" with optional`` adds a category of the
package's (``optional``, ``bank``, ``government`` …), and ``holidays "BR" with "Carnival",
"Ash Wednesday"`` adds only the days of those names, from any category of the country that
names days off. Names are matched in English: the package's ``en_US`` names where the country
has translations, else its own names, which are English for every country without
translations. So the names a calendar matches, and those ``explain`` prints, never depend on
the machine's locale (the package reads ``LANGUAGE``/``LANG`` when no language is given).

Two of the package's categories name no days off, and are refused: ``half_day`` (the package
does not say which half: write the hours kept with ``open DATE HH:MM-HH:MM``) and
``workday`` (commemorations that are working days, or weekend days worked).

:func:`zone_countries` reads which countries a timezone is the time of from the tz
database's ``zone1970.tab`` and ``zone.tab`` (the system's, else those of the ``tzdata``
package); with neither, it knows no zone and the check that uses it says nothing.

Nothing here imports ``holidays`` until a function needs it.
"""
from __future__ import annotations

import re
import warnings
from functools import lru_cache

__all__ = ["DAYS_OFF_EXCEPT", "NAME_YEARS", "REGIONAL_HOLIDAYS", "chosen_days", "category_problem", "name_problem",
           "zone_countries", "fold_name"]

#: The package's categories that do not name days off, and why (a sentence's end).
DAYS_OFF_EXCEPT = {
    "half_day": ("the package does not say which part of those days is off; close a half day with "
                 "`open DATE HH:MM-HH:MM`, the hours the desk keeps that day"),
    "workday": ("its days are working days (commemorations that are not days off, or weekend days "
                "worked in exchange for a bridge day), not holidays"),
}
#: The countries of the ``holidays`` package whose every region keeps public holidays that
#: the country's nationwide list lacks (Easter Monday and the summer bank holiday are
#: England's, not the United Kingdom's): ``holidays "GB"`` is then no region's calendar
#: (SLA397). Written by ``tools/gen_regional_holidays.py``; the regions as the package
#: names them.
#: (written from holidays 0.109, years 2024-2028)
REGIONAL_HOLIDAYS = {
    'AU': ('ACT', 'NSW', 'NT', 'QLD', 'SA', 'TAS', 'VIC', 'WA', 'NSW Western'),
    'BA': ('BIH', 'BRC', 'SRP'),
    'BO': ('B', 'C', 'H', 'L', 'N', 'O', 'P', 'S', 'T'),
    'BQ': ('BON', 'SAB', 'STA'),
    'CA': ('AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'),
    'CH': ('AG', 'AI', 'AR', 'BE', 'BL', 'BS', 'FR', 'GE', 'GL', 'GR', 'JU', 'LU', 'NE', 'NW', 'OW', 'SG', 'SH',
           'SO', 'SZ', 'TG', 'TI', 'UR', 'VD', 'VS', 'ZG', 'ZH', 'Stadt Zurich'),
    'DE': ('BB', 'BE', 'BW', 'BY', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SH', 'SL', 'SN', 'ST', 'TH',
           'Augsburg'),
    'ES': ('AN', 'AR', 'AS', 'CB', 'CE', 'CL', 'CM', 'CN', 'CT', 'EX', 'GA', 'IB', 'MC', 'MD', 'ML', 'NC', 'PV',
           'RI', 'VC', 'Barcelona'),
    'FM': ('KSA', 'PNI', 'TRK', 'YAP'),
    'GB': ('ENG', 'NIR', 'SCT', 'WLS'),
    'MY': ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16'),
    'PT': ('01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17',
           '18', '20', '30'),
    'SH': ('AC', 'HL', 'TA'),
    'TV': ('FUN', 'NIT', 'NKF', 'NKL', 'NMA', 'NMG', 'NUI', 'VAI'),
    'UK': ('ENG', 'NIR', 'SCT', 'WLS'),
}


#: The years in which a holiday's name must occur at least once (`slacode lint`).
NAME_YEARS = range(2000, 2061)
_DEFAULT = "public"


def fold_name(name: str) -> str:
    """A holiday's name as names are compared: case-folded, curly apostrophes straight,
    runs of spaces as one."""
    return re.sub(r"\s+", " ", name.replace("\u2019", "'").replace("\u2018", "'")).strip().casefold()


def name_matches(wanted: str, name: str) -> bool:
    """Whether a holiday named ``name`` is the one ``wanted`` (folded) names: the same name,
    or it followed by a remark in parentheses (``Boxing Day (observed)``, ``Eid al-Fitr
    (estimated)``)."""
    folded = fold_name(name)
    return folded == wanted or folded.startswith(wanted + " (")


def _class_of(code: str):
    """The ``holidays`` class of ``code``'s country (None for a code the package lacks)."""
    import holidays as holidays_pkg
    from holidays.registry import COUNTRIES

    country = code.partition("-")[0]
    for class_name, iso, *_ in COUNTRIES.values():
        if iso == country:
            return getattr(holidays_pkg, class_name, None)
    return None


@lru_cache(maxsize=256)
def supported_categories(code: str) -> tuple[str, ...]:
    """The categories the package has for ``code``'s country (empty for an unknown code)."""
    cls = _class_of(code)
    return tuple(sorted(getattr(cls, "supported_categories", ()) or ())) if cls is not None else ()


def days_off_categories(code: str) -> tuple[str, ...]:
    """The categories of ``code`` whose days are days off (all but half days and workdays)."""
    return tuple(c for c in supported_categories(code) if c not in DAYS_OFF_EXCEPT)


@lru_cache(maxsize=256)
def language_of(code: str) -> str | None:
    """The language names are read in: ``en_US`` where the country has it, else None (its
    own names, English for every country without translations)."""
    cls = _class_of(code)
    return "en_US" if cls is not None and "en_US" in (cls.supported_languages or ()) else None


def _fetch(code: str, years, categories: tuple[str, ...], language: str | None = None):
    """The package's holidays of ``code`` (a dict-like of date -> "; "-joined names)."""
    import holidays as holidays_pkg

    country, _, subdiv = code.partition("-")
    with warnings.catch_warnings():          # "available only from 2001 to 2035" and the like
        warnings.simplefilter("ignore")
        return holidays_pkg.country_holidays(country, subdiv=subdiv or None, years=years,
                                             categories=categories, language=language or language_of(code))


@lru_cache(maxsize=512)
def days_of(code: str, year: int, categories: tuple[str, ...]) -> dict[int, tuple[str, ...]]:
    """Ordinal -> English names of ``code``'s holidays of ``categories`` in ``year`` (the
    caller must not change it). Raises what the package raises for a bad code or category."""
    found = _fetch(code, year, categories)
    return {d.toordinal(): tuple(n.strip() for n in name.split(";"))
            for d, name in dict(found).items() if d.year == year}


@lru_cache(maxsize=1024)
def chosen_days(code: str, year: int, categories: tuple[str, ...] = (),
                names: tuple[str, ...] = ()) -> dict[int, tuple[str, ...]]:
    """The days ``holidays CODE [with …]`` closes in ``year``: ordinal -> the names of its
    holidays that closed it. ``categories`` are added to ``public``; ``names`` (folded,
    :func:`fold_name`) add the days so named in any category of days off."""
    wanted = tuple(sorted({_DEFAULT, *categories}))
    out = dict(days_of(code, year, wanted))
    if names:
        for ordinal, day_names in days_of(code, year, days_off_categories(code)).items():
            hit = tuple(n for n in day_names if any(name_matches(w, n) for w in names))
            if hit:
                out[ordinal] = tuple(dict.fromkeys(out.get(ordinal, ()) + hit))
    return out


# ---------------------------------------------------------------------------- checks

def category_problem(code: str, category: str) -> tuple[str, str] | None:
    """``(message, hint)`` when ``category`` cannot follow ``holidays "CODE" with``, else
    None (also for a code the package lacks: SLA216 reports that)."""
    cats = supported_categories(code)
    if not cats:
        return None
    usable = [c for c in cats if c not in DAYS_OFF_EXCEPT]
    listed = ", ".join(f"`{c}`" for c in usable)
    if category in DAYS_OFF_EXCEPT and category in cats:
        return (f'the holiday category `{category}` of "{code}" names no days off',
                f"{DAYS_OFF_EXCEPT[category]}; the categories of \"{code}\" are {listed}")
    if category in cats:
        return None
    lower = category.lower()
    if lower in cats and lower not in DAYS_OFF_EXCEPT:
        guess = f"did you mean `{lower}`? Categories are written in lower case; "
    else:
        import difflib

        close = [c for c in difflib.get_close_matches(lower, usable, n=1, cutoff=0.6)]
        guess = f"did you mean `{close[0]}`? " if close else ""
    return (f'the holidays package has no category `{category}` for "{code}"',
            f"{guess}the categories of \"{code}\" are {listed}")


def _names_in(code: str, categories: tuple[str, ...], language: str | None = None) -> dict[str, str]:
    """Folded name -> name, of ``code``'s holidays of ``categories`` in :data:`NAME_YEARS`
    (in ``language``, by default the English one)."""
    found = _fetch(code, NAME_YEARS, categories, language)
    out: dict[str, str] = {}
    for day_names in dict(found).values():
        for name in day_names.split(";"):
            name = name.strip()
            out.setdefault(fold_name(name), name)
    return out


@lru_cache(maxsize=64)
def _english_names(code: str, categories: tuple[str, ...]) -> dict[str, str]:
    return _names_in(code, categories)


def name_problem(code: str, name: str) -> tuple[str, str] | None:
    """``(message, hint)`` when no holiday of ``code`` in a category of days off is named
    ``name`` in any year of :data:`NAME_YEARS`, else None (also for a code the package
    lacks: SLA216 reports that)."""
    if not supported_categories(code):
        return None
    wanted = fold_name(name)
    usable = days_off_categories(code)
    known = _english_names(code, usable)
    if any(name_matches(wanted, n) for n in known.values()):
        return None
    years = f"{NAME_YEARS.start}-{NAME_YEARS.stop - 1}"
    other = [c for c in supported_categories(code) if c in DAYS_OFF_EXCEPT]
    for category in other:
        if any(name_matches(wanted, n) for n in _english_names(code, (category,)).values()):
            return (f'"{name}" is a holiday of "{code}" in the category `{category}`, which names no days off',
                    DAYS_OFF_EXCEPT[category])
    translated = _in_other_language(code, usable, wanted)
    if translated is not None:
        language, english = translated
        return (f'"{name}" is not the English name of a holiday of "{code}"',
                f'names are matched in English, as the holidays package spells them: "{name}" ({language}) '
                f'is "{english}"')
    import difflib

    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    close += [k for k in known if k not in close and wanted and (wanted in k or k in wanted)][:3 - len(close)]
    if close:
        hint = "did you mean " + " or ".join(f'"{known[c]}"' for c in close) + "?"
    else:
        shown = sorted(set(known.values()))
        hint = "its holidays are " + ", ".join(f'"{n}"' for n in shown[:10]) + (", …" if len(shown) > 10 else "")
    return (f'no holiday of "{code}" is named "{name}" (in {years}, in the categories '
            + ", ".join(f"`{c}`" for c in usable) + ")", hint)


def _in_other_language(code: str, categories: tuple[str, ...], wanted: str) -> tuple[str, str] | None:
    """``(language, English name)`` when ``wanted`` is a holiday's name in another language
    the package has for ``code``, else None."""
    cls = _class_of(code)
    english = language_of(code)
    for language in (cls.supported_languages or ()) if cls is not None else ():
        if language == english:
            continue
        try:
            local = _fetch(code, range(2020, 2031), categories, language)
            same = _fetch(code, range(2020, 2031), categories, english)
        except Exception:  # pragma: no cover - a language the package lists but cannot load
            continue
        for day, names in dict(local).items():
            for i, n in enumerate(names.split(";")):
                if name_matches(wanted, n.strip()):
                    theirs = same.get(day, "").split(";")
                    return language, (theirs[i] if i < len(theirs) else theirs[0]).strip()
    return None


# ------------------------------------------------------------------------ zones

def _tab_texts() -> list[str]:
    """The texts of ``zone1970.tab`` and ``zone.tab``: from the first folder of the zone
    search path that has them, else from the ``tzdata`` package; none found, none."""
    import os
    import zoneinfo

    for folder in zoneinfo.TZPATH:
        texts = []
        for name in ("zone1970.tab", "zone.tab"):
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    texts.append(f.read())
            except OSError:
                pass
        if texts:
            return texts
    try:
        from importlib.resources import files

        base = files("tzdata").joinpath("zoneinfo")
        return [base.joinpath(n).read_text(encoding="utf-8") for n in ("zone1970.tab", "zone.tab")
                if base.joinpath(n).is_file()]
    except Exception:   # no tzdata package, or one without the tables
        return []


@lru_cache(maxsize=1)
def _tables() -> tuple[str, ...]:
    """:func:`_tab_texts`, read once per process."""
    return tuple(_tab_texts())


def _countries_in_tables(zone: str) -> frozenset[str] | None:
    """The country codes the tables give ``zone`` (every table's, added up), None where no
    table lists it. Only the lines naming the zone are split: loading an agreement looks
    up one zone or two, not the whole table."""
    found: set[str] = set()
    listed = False
    needle = "\t" + zone
    for text in _tables():
        at = text.find(needle)
        while at != -1:
            end = at + len(needle)
            if end == len(text) or text[end] in "\t\r\n":
                line = text[text.rfind("\n", 0, at) + 1:at]
                if not line.startswith("#"):
                    listed = True
                    found.update(c.strip() for c in line.split("\t", 1)[0].split(","))
            at = text.find(needle, end)
    return frozenset(found) if listed else None


@lru_cache(maxsize=64)
def zone_countries(zone: str) -> frozenset[str]:
    """The countries (ISO 3166 codes) whose time ``zone`` is, as the tz database's tables
    say: one code for most zones, several for a zone shared by countries
    (``Europe/Zurich``: CH, DE, LI); empty for a zone of no country (``UTC``), a name the
    tables do not list, or a machine without the tables. A link (``US/Eastern``) is read
    as the zone it links to where the zone files are links."""
    found = _countries_in_tables(zone)
    if found is None and _tables():
        target = _link_target(zone)
        found = _countries_in_tables(target) if target else None
    return found or frozenset()


def _link_target(zone: str) -> str | None:
    """The zone a link's file points to (``US/Eastern`` -> ``America/New_York``), or None."""
    import os
    import zoneinfo

    if not re.fullmatch(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*", zone):
        return None
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, zone)
        if os.path.lexists(path):
            real = os.path.realpath(path)
            root = os.path.realpath(folder) + os.sep
            return real[len(root):].replace(os.sep, "/") if real.startswith(root) else None
    return None
