"""Daily dlpipe run in Airflow: one `run --date {{ ds }}` per day, one config for every day.

Each run measures the day's drift against the current model, retrains when the config's
schedule.retrain says so (daily.conf: on drift), and scores the day's raw partition into
hdfs:///dlpipe/ames/predictions/dt={{ ds }}/ (see docs/scheduling.md).

Put this file in the DAGs folder of an Airflow 2 installation with the Apache Spark provider
(apache-airflow-providers-apache-spark) and a Spark connection `spark_dlpipe` whose host is the
cluster's master (yarn, spark://..., k8s://...). The jar and the configs must be readable where
spark-submit runs: DLPIPE_HOME below.

SPARK_CONF is what `jobs/dlpipe <command> --master yarn` computes for conf/examples/cluster.conf;
a test in the dlpipe repository keeps the two identical.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

DLPIPE_HOME = "/opt/dlpipe"
APP_JAR = DLPIPE_HOME + "/dlpipe-spark.jar"
# daily.conf includes cluster.conf: both travel with the job.
CONFIGS = DLPIPE_HOME + "/conf/daily.conf," + DLPIPE_HOME + "/conf/cluster.conf"
MAIN_CLASS = "io.dlpipe.cli.Main"

SPARK_CONF = {
    "spark.app.name": "dlpipe",
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "org.nd4j.kryo.Nd4jRegistrator",
    "spark.executor.memory": "4g",
    "spark.executor.memoryOverhead": "4480m",
    "spark.executor.extraJavaOptions": "-Dorg.bytedeco.javacpp.maxbytes=4096m -Dorg.bytedeco.javacpp.maxphysicalbytes=8576m",
    "spark.executor.cores": "2",
    "spark.dynamicAllocation.enabled": "false",
    "spark.executor.instances": "4",
}

# The only thing that changes from day to day is the date; daily.conf turns it into the input partition.
RUN_ARGS = ["run", "--conf", "daily.conf", "--date", "{{ ds }}"]


with DAG(
    dag_id="dlpipe_ames_daily",
    description="dlpipe run --date: drift, retrain when due, score the day's partition",
    schedule="0 3 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    # Days run one after another: each one's retrain decision depends on the model the day before left.
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["dlpipe"],
) as dag:
    # Exit code 2 (configuration) and 3 (data) fail the task; retrying cannot fix them, 1 may be transient.
    SparkSubmitOperator(
        task_id="dlpipe_run",
        conn_id="spark_dlpipe",
        application=APP_JAR,
        java_class=MAIN_CLASS,
        conf=SPARK_CONF,
        files=CONFIGS,
        application_args=RUN_ARGS,
        name="dlpipe-run-{{ ds_nodash }}",
        verbose=False,
    )
