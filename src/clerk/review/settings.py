"""Typed settings of people's work: a bot's ``[review]`` and ``[approval]``
tables, and the project's ``[web]`` section (sessions, mail, budgets).

Every model forbids unknown keys, so a misspelt threshold is a config error,
not a silently skipped approval.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, SecretStr, ValidationError, ValidationInfo,
                      field_validator, model_validator)

from clerk.audit.events import as_utc
from clerk.bots import BotDefinition
from clerk.config import config_error_from
from clerk.errors import ConfigError
from clerk.review.roles import ROLES  # noqa: F401 - kept importable from here
from clerk.scheduler.calendar import BusinessCalendar, load_calendar


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewSettings(_Strict):
    """A bot's ``[review]`` table: who reviews its exceptions, by when.

    The SLA runs on the wall clock (``sla_hours``) or in business hours on a
    calendar (``sla_business_hours`` + ``calendar``, config/calendars/<name>.toml):
    8 business hours from Friday 16:00 end on Monday afternoon, later still
    over a holiday. Every due time (inbox badges, item pages, escalation)
    comes from ``due_at`` and ``overdue_if_entered_by``, so they agree.
    """

    group: str = Field("reviewers", description="user group that reviews this bot's items")
    # Upper bounds keep due-time arithmetic finite: a year of wall-clock or business time.
    sla_hours: float = Field(24.0, gt=0, le=366 * 24,
                             description="wall-clock time from needs_review to overdue")
    sla_business_hours: float | None = Field(None, gt=0, le=366 * 24, description="business "
                                             "hours from needs_review to overdue, on `calendar`")
    calendar: BusinessCalendar | None = Field(None, description="config/calendars/<name>.toml")
    due_soon_hours: float = Field(4.0, ge=0, le=366 * 24, description="badge 'due' this long before the SLA "
                                  "(on the SLA's own clock)")
    four_eyes: bool = Field(True, description="whoever corrected an item may not approve it")
    escalate_to: list[str] = Field(default_factory=list, description="e-mail addresses; "
                                   "default: the group's members")

    @field_validator("calendar", mode="before")
    @classmethod
    def _named_calendar(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        project_dir = (info.context or {}).get("project_dir")
        if project_dir is None:
            raise ValueError("a calendar by name needs the project (load_review_settings)")
        try:
            return load_calendar(Path(project_dir), value)
        except ConfigError as exc:
            raise ValueError(f"{exc.message} ({exc.file}"
                             f"{f', key {exc.key}' if exc.key else ''})") from None

    @model_validator(mode="after")
    def _one_clock(self) -> ReviewSettings:
        if self.sla_business_hours is None:
            if self.calendar is not None:
                raise ValueError("calendar counts sla_business_hours: set sla_business_hours")
            return self
        if self.calendar is None:
            raise ValueError("sla_business_hours needs calendar = \"<name>\" "
                             "(config/calendars/<name>.toml)")
        if "sla_hours" in self.model_fields_set:
            raise ValueError("set sla_hours (wall clock) or sla_business_hours, not both")
        return self

    @property
    def sla_text(self) -> str:
        if self.calendar is not None:
            return f"{self.sla_business_hours:g} business hours ({self.calendar.name} calendar)"
        return f"{self.sla_hours:g} h"

    def due_at(self, entered: datetime) -> datetime:
        """When an item that entered needs_review at ``entered`` (UTC) is overdue."""
        entered = as_utc(entered)
        if self.calendar is None:
            return entered + timedelta(hours=self.sla_hours)
        return self.calendar.add_business_hours(entered, self.sla_business_hours).astimezone(UTC)

    def overdue_if_entered_by(self, now: datetime) -> datetime:
        """Items that entered needs_review at or before this moment are overdue at ``now``."""
        return self._back(as_utc(now), self.sla_business_hours or self.sla_hours)

    def badge(self, entered: datetime, now: datetime) -> tuple[str, datetime]:
        """('overdue' | 'due' | 'ok', due time) for an item waiting since ``entered``."""
        due = self.due_at(entered)
        if due <= now:
            return "overdue", due
        if self._back(due, self.due_soon_hours) <= now:
            return "due", due
        return "ok", due

    def _back(self, moment: datetime, hours: float) -> datetime:
        if self.calendar is None or hours == 0:
            return moment - timedelta(hours=hours)
        return self.calendar.subtract_business_hours(moment, hours).astimezone(UTC)


class Condition(_Strict):
    """When a rule of a policy applies; every given condition must hold."""

    min_amount: Decimal | None = Field(None, description="gross total >= this")
    max_amount: Decimal | None = Field(None, description="gross total < this")
    suppliers: list[str] = Field(default_factory=list, description="seller tax ids or names")
    cost_centers: list[str] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    document_types: list[str] = Field(default_factory=list, description="invoice, credit_note")
    first_invoice: bool | None = Field(None, description="first invoice from this supplier")
    bank_account_changed: bool | None = Field(None, description="IBAN differs from the ERP's")
    findings: list[str] = Field(default_factory=list, description="any of these finding codes")


class Step(_Strict):
    """One approval step: ``any`` of the approvers, or ``all`` of them."""

    name: str = Field(min_length=1, max_length=100)
    approvers: list[str] = Field(min_length=1, description="usernames or 'group:<name>'")
    mode: Literal["any", "all"] = "any"
    sla_hours: float | None = Field(None, gt=0)
    escalate_to: list[str] = Field(default_factory=list, description="usernames or e-mails")


class PolicyRule(_Strict):
    """If ``when`` holds, ``steps`` are added to the plan (in order)."""

    name: str = Field(min_length=1, max_length=100)
    when: Condition = Condition()
    steps: list[Step] = Field(min_length=1)
    parallel: bool = Field(False, description="open these steps at the same time")


class ApprovalPolicy(_Strict):
    """A bot's ``[approval]`` table. No rule matching -> post directly."""

    rules: list[PolicyRule] = Field(default_factory=list)
    cost_center_field: str = Field("buyer_reference", description="record field holding it")
    departments: dict[str, str] = Field(default_factory=dict, description="cost center -> department")
    four_eyes: bool = True

    @model_validator(mode="after")
    def _unique_rule_names(self) -> ApprovalPolicy:
        names = [rule.name for rule in self.rules]
        if len(names) != len(set(names)):
            raise ValueError("approval rule names must be unique")
        return self


class Budget(_Strict):
    cost_center: str
    period: str = Field(pattern=r"^\d{4}(-\d{2})?$", description="YYYY or YYYY-MM")
    amount: Decimal = Field(ge=0)


class MailSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    sender: str = "clerk@localhost"
    starttls: bool = False
    user: str | None = None
    password: SecretStr | None = None
    timeout_s: float = Field(10.0, gt=0)


class WebSettings(_Strict):
    """The ``[web]`` section of config/clerk.toml."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    secure_cookies: bool = Field(True, description="send cookies only over HTTPS")
    session_hours: float = Field(8.0, gt=0)
    login_attempts: int = Field(5, ge=1, description="failures allowed per window")
    login_window_s: float = Field(300.0, gt=0)
    page_size: int = Field(50, ge=1, le=500)
    render_pages: int = Field(5, ge=1, le=50, description="PDF pages rendered per document")
    mail: MailSettings | None = None
    budgets: list[Budget] = Field(default_factory=list)
    allowed_origins: list[str] = Field(default_factory=list,
                                       description="extra origins for forms (reverse proxies)")


def load_review_settings(bot: BotDefinition, project_dir: Path) -> ReviewSettings:
    """A bot's ``[review]`` table, typed, its calendar loaded from the project:
    what the web app and the escalation pass use. ConfigError naming
    bots/<bot>.toml and the key (``review.calendar`` for an unknown calendar)."""
    return _parse(ReviewSettings, bot.review, f"bots/{bot.name}.toml", "review",
                  context={"project_dir": project_dir})


def approval_policy(bot: BotDefinition) -> ApprovalPolicy:
    return _parse(ApprovalPolicy, bot.approval, f"bots/{bot.name}.toml", "approval")


def web_settings(data: dict[str, Any] | None) -> WebSettings:
    return _parse(WebSettings, data or {}, "config/clerk.toml", "web")


def _parse(model: type[_Strict], data: dict[str, Any], file: str, key: str,
           context: dict[str, Any] | None = None) -> Any:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        error = config_error_from(exc, Path(file))
        raise ConfigError(file, f"{key}.{error.key}" if error.key else key, error.message) from None
