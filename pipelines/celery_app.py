"""The Celery app that Celery workers of the pipeline run (README, "Past one machine"):

    celery -A pipelines.celery_app worker -Q dagster --concurrency 1 -n worker1@%h

on each machine with the project installed, the same settings (MEDIA_MONITOR_*) and a
DAGSTER_HOME whose instance the machine running the pipeline also uses. It is dagster-celery's
app (`dagster_celery.app`: the same tasks and queue) with the broker of the settings, and one
step per worker process at a time, acknowledged when it ends: a busy worker does not hold a
second step back from an idle one, and a step whose worker died is delivered again.
"""

from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_execute_job_task, create_resume_job_task, create_task

from pipelines.executors import celery_config

_config = celery_config()
app = make_app({"broker": _config["broker"], "backend": _config["backend"], "include": _config["include"]})
app.conf.update(_config["config_source"])

execute_plan = create_task(app)
execute_job = create_execute_job_task(app)
resume_job = create_resume_job_task(app)
