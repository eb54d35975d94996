"""names2: a second-language name and its language on named things (issue 13, item 3)

Revision ID: 0046_names2
Revises: 0045_i18n
Create Date: 2026-12-07 10:40:00

Organizations, plants, products, people (app_user.full_name2), studio projects, partners, episodes, assets
and member slots keep a second name beside the main one and the language it is in (ja, ko or en;
services/core/display_names.py shows it to a viewer of that language). The studio tables already had the
second name without its language: their filled ones get the language their script says (kana or kanji: ja,
hangul: ko), as services/core/display_names.guess_language does; the rest stay NULL (shown to nobody until
someone names the language).
"""
import sqlalchemy as sa
from alembic import op

revision = '0046_names2'
down_revision = '0045_i18n'
branch_labels = None
depends_on = None

# table -> (second name column, its language column, whether the second name column is new)
COLUMNS = {
    'organization': ('name2', 'name2_language', True),
    'plant': ('name2', 'name2_language', True),
    'product': ('name2', 'name2_language', True),
    'app_user': ('full_name2', 'full_name2_language', True),
    'studio_episode': ('name2', 'name2_language', True),
    'studio_project': ('name2', 'name2_language', False),
    'studio_partner': ('name2', 'name2_language', False),
    'studio_asset': ('name2', 'name2_language', False),
    'studio_member': ('person_name2', 'person_name2_language', False),
}


def _language_of(text: str) -> str | None:
    """The same rule as services/core/display_names.guess_language, frozen here as migrations must be."""
    if any('\uac00' <= c <= '\ud7a3' or '\u1100' <= c <= '\u11ff' or '\u3130' <= c <= '\u318f' for c in text):
        return 'ko'
    if any('\u3040' <= c <= '\u30ff' or '\uff66' <= c <= '\uff9f' or '\u4e00' <= c <= '\u9fff' for c in text):
        return 'ja'
    return None


def upgrade() -> None:
    for table, (second, language, new) in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            if new:
                batch.add_column(sa.Column(second, sa.String(length=200), nullable=False, server_default=''))
            batch.add_column(sa.Column(language, sa.String(length=8), nullable=True))
    bind = op.get_bind()
    for table, (second, language, new) in COLUMNS.items():
        if new:
            continue
        t = sa.table(table, sa.column('id', sa.Integer), sa.column(second, sa.String), sa.column(language, sa.String))
        rows = bind.execute(sa.select(t.c.id, t.c[second]).where(t.c[second] != '')).all()
        for row_id, text in rows:
            lang = _language_of(text)
            if lang:
                bind.execute(t.update().where(t.c.id == row_id).values({language: lang}))


def downgrade() -> None:
    for table, (second, language, new) in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_column(language)
            if new:
                batch.drop_column(second)
