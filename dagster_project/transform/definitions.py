import dagster as dg

from .assets import dbt_models
from .project import DBT_IN_WORK_DIR, dbt_project
from .resource import WorkDbtCliResource

defs = dg.Definitions(
    assets=[dbt_models],
    resources={"dbt": WorkDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_IN_WORK_DIR)},
)
