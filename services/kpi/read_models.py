"""Read models of the KPI reads (services/kpi/reads.py): plain data, safe to keep in page state.

Ratios come twice: exact as "a/b" strings (what tests assert) and rounded as Decimal percentages (what people
read); durations as float minutes and exact seconds. None means "not defined" (nothing planned, nothing made).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel

from models.resources import LossCategory
from services.kpi import formulas as kpi_math


def exact(value: Fraction | None) -> str | None:
    if value is None:
        return None
    value = Fraction(value)
    return f"{value.numerator}/{value.denominator}"


class OeeRead(BaseModel):
    """Every OEE figure of a scope (or a bucket, or a machine)."""
    shift_minutes: float
    planned_stop_minutes: float
    planned_production_minutes: float
    stop_minutes: float
    run_minutes: float
    shift_seconds: str
    planned_stop_seconds: str
    planned_production_seconds: str
    stop_seconds: str
    run_seconds: str
    good: int
    scrap: int
    total: int
    ideal_seconds: str
    fully_productive_seconds: str
    availability: str | None
    performance: str | None
    quality: str | None
    oee: str | None
    availability_percent: Decimal | None
    performance_percent: Decimal | None
    quality_percent: Decimal | None
    oee_percent: Decimal | None
    utilisation_percent: Decimal | None       # run time / shift time
    performance_over_100: bool
    idle_minutes: float = 0.0                 # working time with no job running and no stop
    idle_seconds: str = "0/1"
    idle_is_loss: bool = True                 # idle is an availability loss (else not scheduled: out of planned time)

    @classmethod
    def of(cls, f: kpi_math.OeeFigures) -> OeeRead:
        sec = kpi_math.seconds
        utilisation = sec(f.run_time) / sec(f.shift_time) if f.shift_time.total_seconds() > 0 else None
        return cls(
            shift_minutes=float(sec(f.shift_time) / 60), planned_stop_minutes=float(sec(f.planned_stop_time) / 60),
            planned_production_minutes=float(sec(f.planned_production_time) / 60),
            stop_minutes=float(sec(f.stop_time) / 60), run_minutes=float(sec(f.run_time) / 60),
            shift_seconds=exact(sec(f.shift_time)), planned_stop_seconds=exact(sec(f.planned_stop_time)),
            planned_production_seconds=exact(sec(f.planned_production_time)), stop_seconds=exact(sec(f.stop_time)),
            run_seconds=exact(sec(f.run_time)), good=f.good, scrap=f.scrap, total=f.total,
            ideal_seconds=exact(f.ideal_time), fully_productive_seconds=exact(f.fully_productive_time),
            availability=exact(f.availability), performance=exact(f.performance), quality=exact(f.quality),
            oee=exact(f.oee), availability_percent=kpi_math.display(f.availability),
            performance_percent=kpi_math.display(f.performance), quality_percent=kpi_math.display(f.quality),
            oee_percent=kpi_math.display(f.oee), utilisation_percent=kpi_math.display(utilisation),
            performance_over_100=f.performance_over_100, idle_minutes=float(sec(f.idle_time) / 60),
            idle_seconds=exact(sec(f.idle_time)) or "0/1", idle_is_loss=f.idle_is_loss)


class ProductRate(BaseModel):
    product_id: int | None
    product_code: str
    ideal_cycle_seconds: list[Decimal]        # the operations' ideal cycle times seen in the period
    units: int


class SuspiciousRate(BaseModel):
    """A machine faster than its ideal cycle times allow: those ideal times are too long (master data)."""
    machine_id: int
    machine_code: str
    performance_percent: Decimal | None
    products: list[ProductRate]


class MachineKpi(BaseModel):
    machine_id: int
    machine_code: str
    machine_name: str
    department_id: int
    figures: OeeRead


class KpiSummary(BaseModel):
    plant_id: int
    department_id: int | None
    machine_id: int | None
    shift_id: int | None
    start: datetime
    end: datetime
    machine_count: int
    figures: OeeRead
    machines: list[MachineKpi]
    suspicious_rates: list[SuspiciousRate]


class TrendPoint(BaseModel):
    start: datetime
    end: datetime
    label: str
    figures: OeeRead


class OeeTrend(BaseModel):
    plant_id: int
    bucket: str
    start: datetime
    end: datetime
    points: list[TrendPoint]


class LossRow(BaseModel):
    kind: str                                  # "stop" | "idle" | "scrap" | "speed" | a loss split's ("waiting_parts")
    reason_code_id: int | None
    reason: str | None
    reason_name: str | None
    loss_category: LossCategory | None
    minutes: float
    minutes_exact: str
    stops: int | None = None                   # a stop row: its stops with working time in the window
    cumulative_percent: Decimal | None         # of minutes


class CategoryRow(BaseModel):
    loss_category: LossCategory | None         # None: reasons without a category
    minutes: float
    minutes_exact: str
    percent: Decimal | None


class StopRank(BaseModel):
    """A stop reason ranked by its number of stops (the Pareto by frequency rather than by minutes)."""
    reason_code_id: int | None
    reason: str | None
    reason_name: str | None
    stops: int
    cumulative_percent: Decimal                # of stops


class LossPareto(BaseModel):
    plant_id: int
    start: datetime
    end: datetime
    rows: list[LossRow]                        # by reason, largest first
    six_big_losses: list[CategoryRow]          # by loss category (speed loss as reduced speed)
    total_minutes: float
    by_stops: list[StopRank] = []              # the stop reasons that had stops, most stops first


class StepYield(BaseModel):
    product_id: int | None
    product_code: str
    product_name: str
    step: int | None
    step_name: str
    units_in: int
    right_first_time: int
    fpy: str | None
    fpy_percent: Decimal | None


class ProductYield(BaseModel):
    product_id: int | None
    product_code: str
    product_name: str
    steps: list[StepYield]
    rty: str | None
    rty_percent: Decimal | None


class YieldReport(BaseModel):
    plant_id: int
    start: datetime
    end: datetime
    products: list[ProductYield]


class OtdLineRead(BaseModel):
    order_id: int
    order_number: str
    line_no: int
    product_code: str
    quantity: int
    quantity_delivered: int
    promised_date: date
    delivered_on: date | None
    on_time: bool


class OtdPoint(BaseModel):
    period_start: date
    label: str
    due: int
    on_time: int
    ratio: str | None
    percent: Decimal | None


class OtdTrend(BaseModel):
    plant_id: int
    by: str                                    # "line" | "order"
    bucket: str
    start: date
    end: date
    points: list[OtdPoint]
    due: int
    on_time: int
    percent: Decimal | None
    lines: list[OtdLineRead]


class WipDepartment(BaseModel):
    department_id: int | None
    department_code: str
    operations_queued: int
    operations_running: int
    units_open: int


class WipSummary(BaseModel):
    plant_id: int
    work_orders_released: int
    work_orders_running: int
    operations_queued: int
    operations_running: int
    units_open: int                            # ordered minus good, over released and running work orders
    departments: list[WipDepartment]


class EventRead(BaseModel):
    id: int
    kind: str
    machine_id: int
    machine_code: str
    operation_id: int | None
    quantity_good: int
    quantity_scrap: int
    reason_code_id: int | None
    reason: str | None
    client_id: str
    occurred_at: datetime
    recorded_at: datetime


class EventsBehind(BaseModel):
    plant_id: int
    start: datetime
    end: datetime
    events: list[EventRead]
    truncated: bool
