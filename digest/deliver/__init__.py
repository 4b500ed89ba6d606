"""Delivery: channels, message budgets and splitting, the outbox, pacing and sending.

``push_digest(store, digest, channels, tz=…)`` is the entry point; ``channels_from_config`` reads
``[channels.NAME]`` tables; ``plan_messages`` shows what a channel would get.  Heavy modules
(httpx, apprise) are imported only when a message is actually sent.
"""

from digest.deliver.budget import Budget, sms_segments
from digest.deliver.channels import Channel, channels_from_config, make_channel
from digest.deliver.compose import plan_messages
from digest.deliver.push import PushOptions, PushReport, check_deliveries, plan_channel, push_digest

__all__ = [
    "Budget",
    "Channel",
    "PushOptions",
    "PushReport",
    "channels_from_config",
    "check_deliveries",
    "make_channel",
    "plan_channel",
    "plan_messages",
    "push_digest",
    "sms_segments",
]
