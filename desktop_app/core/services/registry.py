"""Every record service by its kind key (the key the 回收站, attachments and 操作记录 use)."""

from __future__ import annotations

from desktop_app.core.services.base import RecordService
from desktop_app.core.services.care import CareService
from desktop_app.core.services.meetings import MeetingService
from desktop_app.core.services.mobile import MobileMemberService
from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService
from desktop_app.core.services.studio import StudioActivityService, StudioProblemService
from desktop_app.core.services.talks import TalkService
from desktop_app.core.services.visits import VisitService
from desktop_app.core.storage.database import Database


def record_services(db: Database) -> dict[str, RecordService]:
    services: list[RecordService] = [
        CareService(db),
        VisitService(db),
        MeetingService(db),
        ResidentService(db),
        MemberService(db),
        PartyGroupService(db),
        StudioActivityService(db),
        StudioProblemService(db),
        TalkService(db),
        MobileMemberService(db),
    ]
    return {service.kind_key: service for service in services}
