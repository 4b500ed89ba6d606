"""The limits of a fetch run, and reading them from the ``[fetch]`` and ``[parse]`` sections of
config.toml (flags take precedence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from digest.acquire.http import MAX_BYTES, HttpPolicy, IPNetwork, parse_networks
from digest.acquire.workers import ParseBudget, parse_budget
from digest.errors import DigestError, UsageError
from digest.model import Source

if TYPE_CHECKING:
    from digest.config import FetchConfig, ParseConfig


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits of one fetch run.  ``timeout`` bounds connecting and each read, ``deadline`` each
    request as a whole, ``run_deadline`` the whole run (sources not done by then are deferred).
    ``full_text`` is ``auto`` (fetch the article when the feed text is shorter than
    ``full_text_below`` characters, or the source asks for it), ``always`` or ``never``.
    ``parse`` is the budget of each parse and the number of parse processes.
    """

    concurrency: int = 16
    per_host: int = 4
    timeout: float = 10.0
    deadline: float = 30.0
    run_deadline: float | None = None
    max_bytes: int = MAX_BYTES
    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    full_text: str = "auto"
    full_text_below: int = 200
    max_full_text: int = 20
    parse: ParseBudget = field(default_factory=ParseBudget)

    def policy(self, source: Source) -> HttpPolicy:
        return HttpPolicy(
            timeout=self.timeout,
            deadline=self.deadline,
            max_bytes=self.max_bytes,
            allow_private=self.allow_private or source.allow_private,
            allowed_networks=self.allowed_networks,
        )


def fetch_options(config: FetchConfig, parse: ParseConfig, **flags: Any) -> FetchOptions:
    """``FetchOptions`` from the ``[fetch]`` and ``[parse]`` sections of config.toml, overridden by
    flags (None = not given).  Raises UsageError on bad values (the flags are checked as the
    config is).
    """
    merged = config.overridden(**flags)
    numbers = {"concurrency", "per_host", "timeout", "deadline", "run_deadline", "full_text_below"}
    values: dict[str, Any] = {
        key: getattr(merged, key) for key in numbers if getattr(merged, key) is not None
    }
    if merged.max_mib is not None:
        values["max_bytes"] = int(merged.max_mib * 1024 * 1024)
    try:
        values["allowed_networks"] = parse_networks(merged.allowed_networks)
    except DigestError as error:
        raise UsageError(f"config [fetch] allowed_networks: {error.message}") from None
    return FetchOptions(
        **values, allow_private=merged.allow_private, full_text=merged.full_text, parse=parse_budget(parse)
    )
