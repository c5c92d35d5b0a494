"""Value records: slotted classes compared, hashed and printed by value, like frozen dataclasses.

A ``@dataclass`` generates and ``exec``s its methods when its module is imported, and a frozen
one sets every field through ``object.__setattr__``; ``slimfix -`` imports these modules on
every save and the views build hundreds of thousands of records.  A subclass lists its fields
in ``_fields`` (the ``__init__`` parameters, in order), declares ``__slots__`` and writes a plain
``__init__``.  Records are immutable by convention: never assign to a field.
"""

from __future__ import annotations

from operator import attrgetter


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _key = staticmethod(lambda record: ())  # the fields' values, as a tuple

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls.__dict__.get("_fields")
        if fields is not None:
            get = attrgetter(*fields)
            cls._key = staticmethod(get if len(fields) > 1 else lambda record: (get(record),))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key(self) == self._key(other)

    def __hash__(self) -> int:
        return hash(self._key(self))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self._key(self)))
        return f"{type(self).__name__}({inner})"

    def __reduce__(self) -> tuple:
        return type(self), self._key(self)
