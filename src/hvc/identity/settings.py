"""The settings of identity resolution (vars `identity_*`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hvc.settings import Settings

# The evidence of a link, strongest first (the same list as the macro identity_evidence_levels).
EVIDENCE = ("own", "tool_link", "association", "session")


@dataclass(frozen=True, kw_only=True)
class IdentitySettings(Settings):
    """The hub guard's limits (see `resolve_components`).

    Attributes
    ----------
    max_links : an identifier with more distinct neighbours than this, whose neighbours fall in
        more than this many separate customers without it, is held back.
    max_domain_links : the same limit for business domains.
    link_limits : per evidence weaker than `own` (`tool_link`, `association`, `session`), the
        identifier types a link of that evidence may not give a customer two of: the link is
        refused when both sides already hold one.
    """

    PREFIX: ClassVar[str] = "identity"

    max_links: int
    max_domain_links: int
    link_limits: dict[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        """Reject limits that would hold back every linked identifier."""
        if self.max_links < 1 or self.max_domain_links < 1:
            raise ValueError("max_links and max_domain_links must be at least 1")
        unknown = sorted(set(self.link_limits) - set(EVIDENCE[1:]))
        if unknown:
            raise ValueError(
                f"link_limits: {unknown} is no evidence weaker than own ({EVIDENCE[1:]})"
            )
