"""What a mentee asks of her next match after one that was not a fit.

The asks live on her enrollment, ``Enrollment.next_match_asks``, as JSON of this shape
(every key optional; an empty object, or empty values, ask for nothing)::

    {
      "from_relationship": 12,            # the closed relationship they were drawn from
      "confirmed_at": "2025-03-01T09:30:00+00:00",
      "outside_own_department": true,     # never a mentor from her own department ...
      "outside_departments": ["Legal"],   # ... nor from these, by name
      "max_time_zone_gap": 3,             # hours between her zone and a mentor's, or null
      "cadence": "monthly",               # a Cadence value she would like to meet at, or ""
      "words": "asks questions",          # words to look for in a mentor's profile
      "min_expertise": {"5": 3}           # topic id -> least level (1 some .. 3 deep)
    }

Only their author and the matching engine read them (``matching/loading.py``); the
reasons of a proposal say which asks a mentor meets.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tandem.programs.models import Cadence

MAX_WORDS = 200
MAX_GAP_HOURS = 12.0


@dataclass(frozen=True)
class NextMatchAsks:
    """The confirmed asks, parsed; see the module docstring for the stored form."""

    from_relationship: int | None = None
    confirmed_at: str = ""
    outside_own_department: bool = False
    outside_departments: tuple[str, ...] = ()
    max_time_zone_gap: float | None = None
    cadence: str = ""
    words: str = ""
    min_expertise: Mapping[int, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (
            self.outside_own_department
            or self.outside_departments
            or self.max_time_zone_gap is not None
            or self.cadence
            or self.words.strip()
            or self.min_expertise
        )

    def avoid_departments(self, own: str | None) -> frozenset[str]:
        """Return the department names to avoid, given her own department's name."""
        names = set(self.outside_departments)
        if self.outside_own_department and own:
            names.add(own)
        return frozenset(names)

    @classmethod
    def from_json(cls, data: Any) -> "NextMatchAsks":
        """Parse stored asks, leaving out any value that does not fit the schema."""
        if not isinstance(data, dict):
            return cls()
        gap = data.get("max_time_zone_gap")
        relationship = data.get("from_relationship")
        levels = data.get("min_expertise")
        departments = data.get("outside_departments")
        return cls(
            from_relationship=relationship if isinstance(relationship, int) else None,
            confirmed_at=str(data.get("confirmed_at") or ""),
            outside_own_department=data.get("outside_own_department") is True,
            outside_departments=tuple(
                sorted({d for d in departments if isinstance(d, str) and d})
                if isinstance(departments, list)
                else ()
            ),
            max_time_zone_gap=(
                float(gap)
                if isinstance(gap, int | float)
                and not isinstance(gap, bool)
                and 0 <= gap <= MAX_GAP_HOURS
                else None
            ),
            cadence=data["cadence"] if data.get("cadence") in Cadence.values else "",
            words=str(data.get("words") or "")[:MAX_WORDS],
            min_expertise={
                int(topic): level
                for topic, level in (levels.items() if isinstance(levels, dict) else ())
                if str(topic).isascii()
                and str(topic).isdigit()
                and isinstance(level, int)
                and 1 <= level <= 3
            },
        )

    def to_json(self) -> dict[str, Any]:
        """Return the stored form; confirming that nothing is asked is kept too."""
        return {
            "from_relationship": self.from_relationship,
            "confirmed_at": self.confirmed_at,
            "outside_own_department": self.outside_own_department,
            "outside_departments": list(self.outside_departments),
            "max_time_zone_gap": self.max_time_zone_gap,
            "cadence": self.cadence,
            "words": self.words,
            "min_expertise": {str(t): level for t, level in sorted(self.min_expertise.items())},
        }
