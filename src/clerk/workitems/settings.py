"""A bot's ``[workitems]`` section: where its Robocorp output items go."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WorkItemSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: bool = Field(False, description="a run whose queue is empty starts with one empty "
                       "input item (as Control Room does for a producer)")
    outputs_to: str | None = Field(
        None, pattern=r"^[a-z][a-z0-9_-]{0,63}$",
        description="the bot whose queue takes the output items this bot's robot creates")
