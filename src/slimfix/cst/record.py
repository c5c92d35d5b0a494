"""Value records: slotted classes compared, hashed and printed by value, like frozen dataclasses.

A ``@dataclass`` generates and ``exec``s its methods when its module is imported, and a frozen
one sets every field through ``object.__setattr__``; ``slimfix -`` imports these modules on
every save and the views build hundreds of thousands of records.  A subclass lists its fields
in ``_fields`` (the ``__init__`` parameters, in order), declares ``__slots__`` and writes a plain
``__init__``.  Records are immutable by convention: never assign to a field.  A ``Frozen``
record enforces it (its ``__init__`` sets fields with ``init_field``); use it for the values
callers keep and pass around (fixes, diagnostics, settings), ``Record`` for the views built by
the hundred thousand.  ``_compare`` (default: ``_fields``) names the fields equality and hashing
look at.
"""

from __future__ import annotations

from operator import attrgetter


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _key = staticmethod(lambda record: ())  # the fields' values, as a tuple
    _compared = _key  # the compared fields' values

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls.__dict__.get("_fields")
        if fields is not None:
            cls._key = _getter(fields)
            cls._compared = _getter(cls.__dict__.get("_compare", fields))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared(self) == self._compared(other)

    def __hash__(self) -> int:
        return hash(self._compared(self))

    def replace(self, **changes: object):  # noqa: ANN201 - the record's own type
        """A copy with ``changes`` applied (``dataclasses.replace`` for records)."""
        return type(self)(**{**dict(zip(self._fields, self._key(self))), **changes})

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self._key(self)))
        return f"{type(self).__name__}({inner})"

    def __reduce__(self) -> tuple:
        return type(self), self._key(self)


init_field = object.__setattr__  # how a Frozen record's __init__ sets its fields


class Frozen(Record):
    """A record whose fields cannot be assigned or deleted once built."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")


def _getter(fields: tuple[str, ...]):  # noqa: ANN202
    get = attrgetter(*fields) if fields else (lambda record: ())
    return staticmethod(get if len(fields) != 1 else lambda record: (get(record),))
