"""The settings of identity resolution (vars `identity_*`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hvc.settings import Settings


@dataclass(frozen=True, kw_only=True)
class IdentitySettings(Settings):
    """The hub guard's limits (see `resolve_components`).

    Attributes
    ----------
    max_links : an identifier with more distinct neighbours than this, whose neighbours fall in
        more than this many separate customers without it, is held back.
    max_domain_links : the same limit for business domains.
    """

    PREFIX: ClassVar[str] = "identity"

    max_links: int
    max_domain_links: int

    def __post_init__(self) -> None:
        """Reject limits that would hold back every linked identifier."""
        if self.max_links < 1 or self.max_domain_links < 1:
            raise ValueError("max_links and max_domain_links must be at least 1")
