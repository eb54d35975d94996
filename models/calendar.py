"""Shift calendars: when a plant works. Times of day are minutes after local midnight in the
plant's time zone (a shift whose end is not after its start runs past midnight); weekdays are
ISO digits (1 = Monday ... 7 = Sunday) of the day a shift starts on."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import TimestampMixin


class ShiftCalendar(TimestampMixin, SQLModel, table=True):
    __tablename__ = "shift_calendar"
    __table_args__ = (UniqueConstraint("plant_id", "name", name="uq_shift_calendar_plant_name"),)
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    name: str = Field(max_length=100)
    is_default: bool = Field(default=True)   # the plant's calendar for scheduling
    is_active: bool = Field(default=True)


class Shift(TimestampMixin, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    calendar_id: int = Field(foreign_key="shift_calendar.id", index=True)
    name: str = Field(max_length=64)
    start_minute: int = Field(ge=0, le=1439)
    end_minute: int = Field(ge=0, le=1440)
    weekdays: str = Field(default="12345", max_length=7)


class ShiftBreak(SQLModel, table=True):
    __tablename__ = "shift_break"
    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", index=True)
    name: str = Field(default="Break", max_length=64)
    start_minute: int = Field(ge=0, le=1439)
    end_minute: int = Field(ge=0, le=1440)


class CalendarHoliday(SQLModel, table=True):
    """A day on which no shift of the calendar starts (public holiday, plant shutdown)."""
    __tablename__ = "calendar_holiday"
    __table_args__ = (UniqueConstraint("calendar_id", "day", name="uq_calendar_holiday_day"),)
    id: int | None = Field(default=None, primary_key=True)
    calendar_id: int = Field(foreign_key="shift_calendar.id", index=True)
    day: date = Field(sa_type=sa.Date)
    name: str = Field(default="", max_length=100)
