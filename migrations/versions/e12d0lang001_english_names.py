"""English names for sectors, topics, café table questions and guiding questions

Existing sectors and topics whose German name is exactly one of the defaults get its English name;
all others (and every café question) start empty, which means: the German one is shown.

Revision ID: e12d0lang001
Revises: e12e0names01
Create Date: 2026-11-30 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e12d0lang001'
down_revision = 'e12e0names01'
branch_labels = None
depends_on = None

# a copy of netzwerktreffen.core.defaults as of this revision (a migration never follows later edits)
SECTOR_NAMES_EN = {
    "Kommune": "Local authority",
    "Migrantenorganisation": "Migrant organisation",
    "Zivilgesellschaft": "Civil society",
    "Migrationsberatung": "Migration counselling",
    "Sprachschule/VHS": "Language school/adult education centre",
    "Jobcenter": "Job centre",
    "Agentur für Arbeit": "Employment agency",
    "Hochschule": "University",
    "IHK/HWK": "Chamber of commerce/crafts",
    "Bildungsträger": "Training provider",
    "Arbeitgeber": "Employer",
}
TOPIC_NAMES_EN = {
    "Erstorientierung und Ankommen": "First orientation and arrival",
    "Aufenthalts- und Arbeitsrecht": "Residence and employment law",
    "Integrationskurse": "Integration courses",
    "Berufsbezogene Deutschsprachförderung": "Job-related German courses",
    "Kinderbetreuung während der Kurse": "Childcare during courses",
    "Migrationsberatung (MBE/JMD)": "Migration counselling (MBE/JMD)",
    "Leistungen und Beratung nach SGB II": "Benefits and counselling under SGB II",
    "Anerkennung ausländischer Abschlüsse": "Recognition of foreign qualifications",
    "Anpassungs- und Nachqualifizierung": "Bridging and further qualification",
    "Ausbildung und Einstiegsqualifizierung": "Vocational training and entry qualification",
    "Studium und internationale Studierende": "University studies and international students",
    "Arbeitsvermittlung": "Job placement",
    "Praktika und Hospitationen": "Internships and job shadowing",
    "Fachkräftegewinnung": "Recruiting skilled workers",
    "Berufseinstieg von Frauen und Müttern": "Women and mothers entering work",
    "Ehrenamtliche Begleitung": "Volunteer mentoring",
    "Vielfalt und Antidiskriminierung im Betrieb": "Diversity and anti-discrimination at work",
    "Wohnungssuche": "Finding a home",
}


def fill_english_names(connection) -> None:
    """The English default name for every sector and topic named exactly like a German default."""
    for table, names in (("sector", SECTOR_NAMES_EN), ("topic", TOPIC_NAMES_EN)):
        rows = sa.table(table, sa.column("name", sa.String), sa.column("name_en", sa.String))
        for german, english in names.items():
            connection.execute(rows.update().where(rows.c.name == german).values(name_en=english))


def upgrade():
    for table in ("sector", "topic"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_en', sa.String(length=200), server_default='', nullable=False))
    with op.batch_alter_table('cafe_table', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_en', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('block', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guiding_questions_en', sa.JSON(), nullable=True))
    fill_english_names(op.get_bind())


def downgrade():
    with op.batch_alter_table('block', schema=None) as batch_op:
        batch_op.drop_column('guiding_questions_en')
    with op.batch_alter_table('cafe_table', schema=None) as batch_op:
        batch_op.drop_column('question_en')
    for table in ("topic", "sector"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('name_en')
