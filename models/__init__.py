"""Takt's tables. Importing this package registers every table on `SQLModel.metadata`."""
from models.audit import AuditEntry
from models.auth import (
                              ApiToken,
                              ApiTokenKind,
                              AuthSession,
                              LoginAttempt,
                              LoginChallenge,
                              RecoveryCode,
                              TwoFactorPolicy,
                              UserTwoFactor,
)
from models.base import TimestampMixin, UTCDateTime, utcnow
from models.calendar import CalendarHoliday, Shift, ShiftBreak, ShiftCalendar
from models.catalog import BomLine, Customer, Product, ProductType
from models.config import (
                              CustomFieldDefinition,
                              EmailOutbox,
                              FieldType,
                              Notification,
                              NotificationPreference,
                              OutboxStatus,
                              TypeList,
                              TypeListValue,
)
from models.documents import (
                              ChangeOrder,
                              ChangeOrderItem,
                              ChangeOrderStatus,
                              Document,
                              DocumentFile,
                              DocumentKind,
                              DocumentLink,
                              DocumentRevision,
                              DocumentSettings,
                              DocumentTarget,
                              RevisionScheme,
                              RevisionStatus,
)
from models.finance import (
                              Account,
                              AccountType,
                              FiscalPeriod,
                              Invoice,
                              InvoiceLine,
                              JournalEntry,
                              JournalLine,
                              Payment,
                              PaymentAllocation,
                              PeriodStatus,
                              PriceListItem,
                              TaxRule,
)
from models.form_layouts import FormLayout
from models.inspection import (
                              ChartKind,
                              Inspection,
                              InspectionCharacteristic,
                              InspectionPlan,
                              RuleSetKind,
                              SpcAlert,
)
from models.kpi_rollup import (
                              KpiCountDay,
                              KpiCountSlice,
                              KpiStop,
                              KpiStopDay,
                              KpiStopSlice,
)
from models.lots import (
                              GenealogyLink,
                              LinkKind,
                              Location,
                              Lot,
                              LotConsumption,
                              LotOrigin,
                              LotStatus,
                              Serial,
)
from models.maintenance import (
                              MaintenanceAttachment,
                              MaintenanceAutoRule,
                              MaintenanceLabour,
                              MaintenanceNote,
                              MaintenancePlan,
                              MaintenancePlanMachine,
                              MaintenanceSlaTarget,
                              MaintenanceStopLink,
                              MaintenanceTicket,
                              PartStock,
                              SparePart,
                              StockMove,
)
from models.ncr import CapaAction, CapaKind, Ncr, NcrLink, NcrSeverity
from models.numbering import NumberSequence
from models.orders import (
                              CapacityPeriod,
                              CapacityTarget,
                              CustomerOrder,
                              ExceptionKind,
                              Operation,
                              OrderLine,
                              OrderStatus,
                              ScheduleException,
                              StatusChange,
                              WorkOrder,
                              WorkStatus,
)
from models.org_settings import OrganizationSettings
from models.organization import Department, Organization, OrganizationBranding, Plant
from models.purchasing import PoStatus, PurchaseOrder, PurchaseOrderLine, Settlement, SettlementLine
from models.rejects import CustomerReturn, Disposition, InternalReject, RejectSource
from models.resources import (
                              LossCategory,
                              Machine,
                              MachineProductRate,
                              MachineState,
                              MachineStatus,
                              ReasonCode,
                              ReasonKind,
                              WorkCenter,
)
from models.roles import OrgRole, RoleGrant
from models.routing import Routing, RoutingStep
from models.scans import Scan, ScanMode, ScanResult
from models.shipments import Shipment, ShipmentItem, ShipmentLine, ShipmentStatus
from models.shopfloor import EventKind, ProductionEvent
from models.sop_ticket import SopReassignment, SopTicket
from models.studio import (
                              StudioAsset,
                              StudioCasting,
                              StudioCut,
                              StudioEpisode,
                              StudioMember,
                              StudioMilestone,
                              StudioPartner,
                              StudioProject,
                              StudioProjectPartner,
                              StudioSequence,
                              StudioStep,
                              StudioTemplate,
)
from models.studio_work import (
                              StudioAccount,
                              StudioActivity,
                              StudioFile,
                              StudioReview,
                              StudioSettings,
                              StudioTask,
                              StudioTimesheet,
                              StudioVersion,
)
from models.user import Invitation, Role, RoleAssignment, User, UserPlantAccess
from models.workflow import (
                              Workflow,
                              WorkflowInstance,
                              WorkflowState,
                              WorkflowStep,
                              WorkflowTransition,
)

__all__ = [
    "PoStatus", "PurchaseOrder", "PurchaseOrderLine", "Settlement", "SettlementLine",
    "Account", "AccountType", "FiscalPeriod", "Invoice", "InvoiceLine", "JournalEntry", "JournalLine", "Payment",
    "PaymentAllocation", "PeriodStatus", "PriceListItem", "TaxRule",
    "Workflow", "WorkflowInstance", "WorkflowState", "WorkflowStep", "WorkflowTransition",
    "CapaAction", "CapaKind", "Ncr", "NcrLink", "NcrSeverity", "SopReassignment", "SopTicket",
    "BomLine", "CalendarHoliday", "CapacityPeriod", "CapacityTarget", "Customer", "CustomerOrder", "EventKind",
    "ExceptionKind", "KpiCountDay", "KpiCountSlice", "KpiStop", "KpiStopDay", "KpiStopSlice", "LossCategory", "Machine",
    "MachineProductRate", "MachineState", "MachineStatus",
    "CustomFieldDefinition", "EmailOutbox", "FieldType", "Notification", "NotificationPreference", "OutboxStatus",
    "TypeList", "TypeListValue",
    "NumberSequence", "Operation", "OrderLine", "OrderStatus", "Product", "ProductType", "ProductionEvent",
    "ReasonCode", "ReasonKind", "Routing", "RoutingStep", "Scan", "ScanMode", "ScanResult", "ScheduleException", "Shift", "ShiftBreak",
    "ShiftCalendar", "StatusChange", "WorkCenter", "WorkOrder", "WorkStatus",
    "ApiToken", "ApiTokenKind", "AuditEntry", "AuthSession", "Department", "Invitation", "LoginAttempt",
    "LoginChallenge", "RecoveryCode", "TwoFactorPolicy", "UserTwoFactor",
    "FormLayout", "Organization", "OrganizationBranding", "OrganizationSettings", "OrgRole", "Plant", "Role", "RoleAssignment", "RoleGrant",
    "TimestampMixin",
    "User", "UserPlantAccess", "UTCDateTime", "utcnow",
    "GenealogyLink", "LinkKind", "Location", "Lot", "LotConsumption", "LotOrigin", "LotStatus", "Serial",
    "Shipment", "ShipmentItem", "ShipmentLine", "ShipmentStatus",
    "ChartKind", "Inspection", "InspectionCharacteristic", "InspectionPlan", "RuleSetKind", "SpcAlert",
    "CustomerReturn", "Disposition", "InternalReject", "RejectSource",
    "StudioAsset", "StudioCasting", "StudioCut", "StudioEpisode", "StudioMember", "StudioPartner", "StudioProject",
    "StudioMilestone", "StudioProjectPartner", "StudioSequence", "StudioStep", "StudioTemplate",
    "StudioAccount", "StudioActivity", "StudioFile", "StudioReview", "StudioSettings", "StudioTask",
    "StudioTimesheet", "StudioVersion",
    "MaintenanceAttachment", "MaintenanceAutoRule", "MaintenanceLabour", "MaintenanceNote", "MaintenancePlan",
    "MaintenancePlanMachine", "MaintenanceSlaTarget", "MaintenanceStopLink", "MaintenanceTicket", "PartStock",
    "SparePart", "StockMove",
    "ChangeOrder", "ChangeOrderItem", "ChangeOrderStatus", "Document", "DocumentFile", "DocumentKind",
    "DocumentLink", "DocumentRevision", "DocumentSettings", "DocumentTarget", "RevisionScheme", "RevisionStatus",
]
