"""Words for a push: the dry-run listing and the one-line-per-channel summary.  Pure.

Nothing here shows a channel URL; channels appear as ``name (scheme://…)``.
"""

from __future__ import annotations

from digest.deliver.push import ChannelReport, PushReport


def describe_dry_run(report: PushReport) -> str:
    """Per channel: kind, budget, ladder rung, then each part with its size and its text."""
    lines: list[str] = []
    if report.empty:
        lines.append(f"Nothing to send for {report.day}: the bulletin is empty.")
    for channel_report in report.channels:
        channel = channel_report.channel
        count = len(channel_report.parts)
        head = (
            f"== {channel.display} · {channel.kind} · {channel.style} · budget {channel.budget.describe()}"
            f" per message · {count} part{'s' * (count != 1)}"
        )
        if channel.style == "sms":
            head += f" · ladder: {channel_report.rung}"
        lines.append(head)
        if channel_report.error:
            lines.append(f"   error: {channel_report.error}")
        for part in channel_report.parts:
            note = f" · {part.state}" if part.state != "planned" else ""
            size = channel.budget.describe_size(part.body)
            lines.append(f"-- part {part.part}/{part.total} · {size}{note}")
            lines.extend(part.body.split("\n"))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def describe_channel(channel_report: ChannelReport) -> list[str]:
    """One line for the channel, plus one per part that needs the user's attention."""
    channel = channel_report.channel
    if channel_report.error:
        return [f"{channel.display}: error: {channel_report.error}"]
    counts: dict[str, int] = {}
    for part in channel_report.parts:
        counts[part.state] = counts.get(part.state, 0) + 1
    if not channel_report.parts:
        return [f"{channel.display}: nothing to send"]
    total = channel_report.parts[0].total
    summary = ", ".join(f"{n} {state}" for state, n in counts.items())
    lines = [f"{channel.display}: {summary} (of {total} part{'s' * (total != 1)})"]
    for part in channel_report.parts:
        attention = part.state in ("failed", "uncertain", "elsewhere") and not part.handed_over
        if attention and part.detail:
            lines.append(f"{channel.display}: part {part.part}/{part.total} {part.state}: {part.detail}")
    return lines
