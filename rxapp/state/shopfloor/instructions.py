"""The documents of the operator's job on /operator/machine: the approved revisions of the work instructions of
the job's routing step (then its work order's, product's and machine's documents), with the viewer opened on the
first file that can be shown on a phone. The job is the one running or paused on the machine, else the next
queued. Only approved revisions ever come from services.documents.instructions; drafts never reach this state."""
from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from rxapp.i18n import _
from rxapp.state.documents.documents import kind_text
from rxapp.state.documents.viewer import kind_label, open_in_viewer
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.documents import instructions


@dataclass
class InstructionFile:
    id: int = 0
    name: str = ""
    kind: str = ""
    viewable: bool = False


@dataclass
class InstructionLine:
    number: str = ""
    title: str = ""
    kind: str = ""
    revision: str = ""               # "Rev. B"
    files: list[InstructionFile] = field(default_factory=list)


class JobDocumentsState(AuthState):
    operation_id: int = 0
    lines: list[InstructionLine] = []
    viewer_file_id: int = 0
    viewer_title: str = ""
    viewer_pages: list[str] = []
    viewer_note: str = ""

    @rx.event
    def show_job(self, operation_id: int):
        self.operation_id = as_id(operation_id)
        if not self.operation_id:
            self._clear()
            return None
        try:
            found = self._use_case(instructions.instructions_for_operation, self.operation_id)
        except DomainError as error:
            self._clear()
            return self._refused(error, quiet=True)
        self.lines = [InstructionLine(number=i.number, title=i.title, kind=kind_text(i.kind),
                                      revision=_("Rev. {label}").format(label=i.revision_label),
                                      files=[InstructionFile(id=f.id, name=f.filename, kind=kind_label(f.content_type),
                                                             viewable=f.viewable) for f in i.files])
                      for i in found]
        shown = [f.id for line in self.lines for f in line.files if f.viewable]
        if not shown:
            self.viewer_file_id, self.viewer_title, self.viewer_pages, self.viewer_note = 0, "", [], ""
        elif self.viewer_file_id not in shown:
            # opened here, not chained: a chained view would queue behind a file the operator taps meanwhile and
            # replace it
            return open_in_viewer(self, shown[0])
        return None

    @rx.event
    def view(self, file_id: int):
        return open_in_viewer(self, file_id)

    def _clear(self) -> None:
        self.lines, self.viewer_file_id, self.viewer_title, self.viewer_pages, self.viewer_note = [], 0, "", [], ""
