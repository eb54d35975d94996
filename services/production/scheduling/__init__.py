"""Scheduling: operations on machines, planned inside the plant's shift calendar.

- queues.py: assign (one, or several with one re-plan), move, take off; re-plan a machine or a plant (planner.py does the maths);
- board.py: the schedule board (per machine, late, conflict and overproduction flags) and unscheduled operations;
- capacity.py: capacity targets and utilisation;
- exceptions.py: late, short, reallocated and overproduced exceptions, late detection, the overproduction rule;
- common.py: access, queues, durations and due dates shared by all of them;
- planner.py: forward planning of a plant's queues in working time (pure maths over loaded rows);
- clock.py: WorkingClock, working time added for many operations at once (equal to calendar_math's).

Invariants (each module states its own in detail): PLAN changes a plant's schedule, PLAN or
VIEW_DASHBOARDS reads it, rows of plants the actor cannot see are NotFound; a machine's queue is
numbered 1..n in planning order; planned intervals on one machine never overlap and lie in
working time; every change is audited and announced, and nothing here commits.
"""
from services.production.scheduling.board import (
                                       BoardMachine,
                                       BoardOperation,
                                       BoardWindow,
                                       MachineChoice,
                                       ScheduleBoard,
                                       UnscheduledOperation,
                                       schedule_board,
                                       unscheduled_operations,
)
from services.production.scheduling.capacity import (
                                       CapacityTargetCreate,
                                       CapacityTargetRead,
                                       CapacityTargetUpdate,
                                       Utilisation,
                                       UtilisationRow,
                                       create_target,
                                       delete_target,
                                       list_targets,
                                       period_window,
                                       update_target,
                                       utilisation,
)
from services.production.scheduling.common import duration_seconds, operation_duration
from services.production.scheduling.exceptions import (
                                       ExceptionRead,
                                       detect_late,
                                       list_exceptions,
                                       record_exception,
)
from services.production.scheduling.queues import (
                                       ReplanResult,
                                       ScheduledOperation,
                                       assign_operation,
                                       assign_operations,
                                       move_operation,
                                       plan_machine,
                                       replan_plant,
                                       unassign_operation,
)

__all__ = [
    "BoardMachine", "BoardOperation", "BoardWindow", "CapacityTargetCreate", "CapacityTargetRead", "CapacityTargetUpdate",
    "ExceptionRead", "MachineChoice", "ReplanResult", "ScheduleBoard", "ScheduledOperation", "UnscheduledOperation",
    "Utilisation", "UtilisationRow", "assign_operation", "assign_operations", "create_target", "delete_target", "detect_late",
    "duration_seconds", "list_exceptions", "list_targets", "move_operation", "operation_duration", "period_window",
    "plan_machine", "record_exception", "replan_plant", "schedule_board", "unassign_operation",
    "unscheduled_operations", "update_target", "utilisation",
]
