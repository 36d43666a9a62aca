"""Event triggers: a bot starts when mail arrives, a file is dropped, or its
queue fills, through the same run requests as its schedule (see ``model``)."""

from clerk.triggers.model import FolderTrigger, MailTrigger, QueueTrigger, TriggerSpec

__all__ = ["FolderTrigger", "MailTrigger", "QueueTrigger", "TriggerSpec"]
