"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 23:19:39.143628
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_owner", ["owner_kind", "owner_id"], unique=False)

    op.create_table(
        "care_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("default_item", sa.String(length=100), nullable=False),
        sa.Column("default_amount", sa.BigInteger(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_care_categories_name")),
    )
    op.create_table(
        "community_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_name", sa.String(length=100), nullable=False),
        sa.Column("street_office", sa.String(length=100), nullable=False),
        sa.Column("org_name", sa.String(length=100), nullable=False),
        sa.Column("secretary_name", sa.String(length=50), nullable=False),
        sa.Column("reporter_name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_profile")),
    )
    op.create_table(
        "meeting_norms",
        sa.Column(
            "kind",
            sa.Enum(
                "general_assembly",
                "committee",
                "group_meeting",
                "party_lesson",
                "theme_day",
                "org_life",
                "member_review",
                name="meetingkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "period",
            sa.Enum("month", "quarter", "year", name="normperiod", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("per_group", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_meeting_norms")),
    )
    op.create_table(
        "party_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_party_groups_name")),
    )
    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_initials", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.Enum("male", "female", name="gender", native_enum=False, length=32), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "moved_away", "deceased", name="residentstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.create_index("ix_residents_id_number", ["id_number"], unique=False)
        batch_op.create_index("ix_residents_name", ["name"], unique=False)

    op.create_table(
        "study_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("destination", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=50), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("highlights", sa.Text(), nullable=False),
        sa.Column("takeaways", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_visits")),
    )
    with op.batch_alter_table("study_visits", schema=None) as batch_op:
        batch_op.create_index("ix_study_visits_date", ["date"], unique=False)

    op.create_table(
        "adopted_practices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=50), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("todo", "in_progress", "done", name="practicestatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["study_visits.id"],
            name=op.f("fk_adopted_practices_visit_id_study_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adopted_practices")),
    )
    with op.batch_alter_table("adopted_practices", schema=None) as batch_op:
        batch_op.create_index("ix_adopted_practices_visit_id", ["visit_id"], unique=False)

    op.create_table(
        "care_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=50), nullable=False),
        sa.Column("recipient_initials", sa.String(length=50), nullable=False),
        sa.Column("recipient_address", sa.String(length=200), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("handled_by", sa.String(length=50), nullable=False),
        sa.Column(
            "status",
            sa.Enum("planned", "done", "follow_up", name="carestatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("follow_up_date", sa.Date(), nullable=True),
        sa.Column("illness_detail", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["care_categories.id"],
            name=op.f("fk_care_actions_category_id_care_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["residents.id"], name=op.f("fk_care_actions_resident_id_residents"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_actions")),
    )
    with op.batch_alter_table("care_actions", schema=None) as batch_op:
        batch_op.create_index("ix_care_actions_category_id", ["category_id"], unique=False)
        batch_op.create_index("ix_care_actions_date", ["date"], unique=False)
        batch_op.create_index("ix_care_actions_resident_id", ["resident_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "general_assembly",
                "committee",
                "group_meeting",
                "party_lesson",
                "theme_day",
                "org_life",
                "member_review",
                name="meetingkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=50), nullable=False),
        sa.Column("recorder", sa.String(length=50), nullable=False),
        sa.Column("lecturer", sa.String(length=50), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("resolutions", sa.Text(), nullable=False),
        sa.Column("vote_taken", sa.Boolean(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column("expected_count", sa.Integer(), nullable=False),
        sa.Column("attended_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["party_groups.id"], name=op.f("fk_meetings_group_id_party_groups"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_date", ["date"], unique=False)
        batch_op.create_index("ix_meetings_kind_date", ["kind", "date"], unique=False)

    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_initials", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.Enum("male", "female", name="gender", native_enum=False, length=32), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("join_date", sa.Date(), nullable=True),
        sa.Column(
            "member_type",
            sa.Enum("full", "probationary", name="membertype", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("is_committee", sa.Boolean(), nullable=False),
        sa.Column("committee_role", sa.String(length=30), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "transferred", name="memberstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["party_groups.id"], name=op.f("fk_members_group_id_party_groups"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_group_id", ["group_id"], unique=False)

    # party_groups and members refer to each other: the leader's key is added once both exist.
    with op.batch_alter_table("party_groups", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_party_groups_leader_id_members"), "members", ["leader_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("present", "on_leave", "absent", name="attendancestatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_attendance_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_meeting_attendance_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meeting_id", "member_id", name=op.f("pk_meeting_attendance")),
    )
    op.create_table(
        "visit_participants",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_visit_participants_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["study_visits.id"],
            name=op.f("fk_visit_participants_visit_id_study_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("visit_id", "member_id", name=op.f("pk_visit_participants")),
    )

    seed_reference_data()


def seed_reference_data() -> None:
    """The community starts with the 六维关怀 categories (amounts in fen) and the 三会一课 norms."""
    categories = sa.table(
        "care_categories",
        sa.column("name", sa.String),
        sa.column("default_item", sa.String),
        sa.column("default_amount", sa.BigInteger),
        sa.column("sort_order", sa.Integer),
        sa.column("retired", sa.Boolean),
        sa.column("sensitive", sa.Boolean),
    )
    op.bulk_insert(
        categories,
        [
            {
                "name": "新生儿送鸡蛋",
                "default_item": "鸡蛋一箱",
                "default_amount": 10000,
                "sort_order": 1,
                "retired": False,
                "sensitive": False,
            },
            {
                "name": "新婚送蜂蜜",
                "default_item": "蜂蜜两瓶",
                "default_amount": 12000,
                "sort_order": 2,
                "retired": False,
                "sensitive": False,
            },
            {
                "name": "乔迁送糕点",
                "default_item": "糕点礼盒",
                "default_amount": 8000,
                "sort_order": 3,
                "retired": False,
                "sensitive": False,
            },
            {
                "name": "升学送钢笔",
                "default_item": "钢笔一支",
                "default_amount": 6000,
                "sort_order": 4,
                "retired": False,
                "sensitive": False,
            },
            {
                "name": "重病帮困",
                "default_item": "帮困金",
                "default_amount": 50000,
                "sort_order": 5,
                "retired": False,
                "sensitive": True,
            },
            {
                "name": "其他",
                "default_item": "",
                "default_amount": None,
                "sort_order": 6,
                "retired": False,
                "sensitive": False,
            },
        ],
    )
    norms = sa.table(
        "meeting_norms",
        sa.column("kind", sa.String),
        sa.column("period", sa.String),
        sa.column("count", sa.Integer),
        sa.column("per_group", sa.Boolean),
    )
    op.bulk_insert(
        norms,
        [
            {"kind": "general_assembly", "period": "quarter", "count": 1, "per_group": False},
            {"kind": "committee", "period": "month", "count": 1, "per_group": False},
            {"kind": "group_meeting", "period": "month", "count": 1, "per_group": True},
            {"kind": "party_lesson", "period": "quarter", "count": 1, "per_group": False},
            {"kind": "theme_day", "period": "month", "count": 1, "per_group": False},
            {"kind": "org_life", "period": "year", "count": 1, "per_group": False},
            {"kind": "member_review", "period": "year", "count": 1, "per_group": False},
        ],
    )
    profile = sa.table(
        "community_profile",
        sa.column("id", sa.Integer),
        sa.column("community_name", sa.String),
        sa.column("street_office", sa.String),
        sa.column("org_name", sa.String),
        sa.column("secretary_name", sa.String),
        sa.column("reporter_name", sa.String),
    )
    op.bulk_insert(
        profile,
        [
            {
                "id": 1,
                "community_name": "",
                "street_office": "",
                "org_name": "",
                "secretary_name": "",
                "reporter_name": "",
            }
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("party_groups", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_party_groups_leader_id_members"), type_="foreignkey")
    op.drop_table("visit_participants")
    op.drop_table("meeting_attendance")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_group_id")

    op.drop_table("members")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_kind_date")
        batch_op.drop_index("ix_meetings_date")

    op.drop_table("meetings")
    with op.batch_alter_table("care_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_care_actions_resident_id")
        batch_op.drop_index("ix_care_actions_date")
        batch_op.drop_index("ix_care_actions_category_id")

    op.drop_table("care_actions")
    with op.batch_alter_table("adopted_practices", schema=None) as batch_op:
        batch_op.drop_index("ix_adopted_practices_visit_id")

    op.drop_table("adopted_practices")
    with op.batch_alter_table("study_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_study_visits_date")

    op.drop_table("study_visits")
    with op.batch_alter_table("residents", schema=None) as batch_op:
        batch_op.drop_index("ix_residents_name")
        batch_op.drop_index("ix_residents_id_number")

    op.drop_table("residents")
    op.drop_table("party_groups")
    op.drop_table("meeting_norms")
    op.drop_table("community_profile")
    op.drop_table("care_categories")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_owner")

    op.drop_table("attachments")
