"""The limits of a fetch run, and reading them from the ``[fetch]`` and ``[parse]`` sections of
config.toml (flags take precedence)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from digest.acquire.http import MAX_BYTES, HttpPolicy, IPNetwork, parse_networks
from digest.acquire.workers import ParseBudget, parse_budget
from digest.errors import DigestError, UsageError
from digest.model import Source


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


def fetch_options(config: Mapping[str, Any], **flags: Any) -> FetchOptions:
    """``FetchOptions`` from the ``[fetch]`` section of config.toml, overridden by flags (None =
    not given).  Keys: concurrency, per_host, timeout, deadline, run_deadline, max_mib,
    allow_private (true: every source may reach private addresses), allowed_networks (a list of
    addresses or CIDR networks any source may reach, e.g. ["127.0.0.1", "192.168.1.0/24"]),
    full_text (auto|always|never), full_text_below; and the parse budget (``parse_budget``).
    Raises UsageError on bad values.
    """
    section = config.get("fetch", {})
    if not isinstance(section, Mapping):
        raise UsageError("config: [fetch] must be a table")
    values: dict[str, Any] = {}
    numbers = {"concurrency": int, "per_host": int, "timeout": float, "deadline": float,
               "run_deadline": float, "full_text_below": int}  # fmt: skip
    for key, kind in numbers.items():
        value = flags.get(key) if flags.get(key) is not None else section.get(key)
        if value is None:
            continue
        try:
            values[key] = kind(value)
        except (TypeError, ValueError):
            raise UsageError(f"fetch {key} must be a number, got {value!r}") from None
        if values[key] <= 0:
            raise UsageError(f"fetch {key} must be more than 0")
    if "max_mib" in section:
        values["max_bytes"] = int(float(section["max_mib"]) * 1024 * 1024)
    values["allow_private"] = bool(flags.get("allow_private") or section.get("allow_private", False))
    try:
        values["allowed_networks"] = parse_networks(section.get("allowed_networks", []))
    except DigestError as error:
        raise UsageError(f"config [fetch] allowed_networks: {error.message}") from None
    full_text = flags.get("full_text") or section.get("full_text", "auto")
    if full_text not in ("auto", "always", "never"):
        raise UsageError("fetch full_text must be auto, always or never")
    values["full_text"] = full_text
    values["parse"] = parse_budget(config)
    return FetchOptions(**values)
