"""secretaries studio

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:32:24.438091
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )
    op.create_table(
        "studio_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "mentoring", "seminar", "qa", "visit", "other", name="studioactivitykind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("lead_mentor", sa.String(length=50), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_activities")),
    )
    with op.batch_alter_table("studio_activities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_studio_activities_live",
            ["date", "id", "search_text"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "studio_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_topics")),
        sa.UniqueConstraint("name", name=op.f("uq_studio_topics_name")),
    )
    op.create_table(
        "studio_problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raised_date", sa.Date(), nullable=False),
        sa.Column("source_community", sa.String(length=100), nullable=False),
        sa.Column("raised_by", sa.String(length=50), nullable=False),
        sa.Column("source_activity_id", sa.Integer(), nullable=True),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "discussing", "resolved", "transferred", name="problemstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("owner", sa.String(length=50), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_activity_id"],
            ["studio_activities.id"],
            name=op.f("fk_studio_problems_source_activity_id_studio_activities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["studio_topics.id"],
            name=op.f("fk_studio_problems_topic_id_studio_topics"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_problems")),
    )
    with op.batch_alter_table("studio_problems", schema=None) as batch_op:
        batch_op.create_index(
            "ix_studio_problems_live",
            ["raised_date", "id", "search_text"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index("ix_studio_problems_topic_id", ["topic_id"], unique=False)

    op.create_table(
        "studio_problem_activities",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["studio_activities.id"],
            name=op.f("fk_studio_problem_activities_activity_id_studio_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["studio_problems.id"],
            name=op.f("fk_studio_problem_activities_problem_id_studio_problems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("problem_id", "activity_id", name=op.f("pk_studio_problem_activities")),
    )

    topics = sa.table(
        "studio_topics",
        sa.column("name", sa.String),
        sa.column("sort_order", sa.Integer),
        sa.column("retired", sa.Boolean),
    )
    op.bulk_insert(
        topics,
        [
            {"name": name, "sort_order": order, "retired": False}
            for order, name in enumerate(
                ("业委会建设", "小区治理", "加装电梯", "美丽楼道", "物业管理", "其他"), start=1
            )
        ],
    )


def downgrade() -> None:
    op.drop_table("studio_problem_activities")
    with op.batch_alter_table("studio_problems", schema=None) as batch_op:
        batch_op.drop_index("ix_studio_problems_topic_id")
        batch_op.drop_index(
            "ix_studio_problems_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("studio_problems")
    op.drop_table("studio_topics")
    with op.batch_alter_table("studio_activities", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_studio_activities_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("studio_activities")
    op.drop_table("app_settings")
