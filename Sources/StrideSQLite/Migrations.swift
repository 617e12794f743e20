import GRDB
import StrideStore

/// The versioned schema. A migration is never edited once released; changes go in a new entry.
enum Migrations {
    struct Migration {
        var version: Int
        var statements: [String]
    }

    static let all: [Migration] = [
        Migration(version: 1, statements: [
            """
            CREATE TABLE projects (
                project_id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                creation_time INTEGER NOT NULL
            )
            """,
            "INSERT INTO projects (project_id, name, creation_time) VALUES (1, 'default', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
            """
            CREATE TABLE experiments (
                experiment_id INTEGER PRIMARY KEY,
                project_id INTEGER NOT NULL REFERENCES projects (project_id),
                name TEXT NOT NULL,
                artifact_location TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                creation_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL,
                UNIQUE (project_id, name)
            )
            """,
            """
            CREATE TABLE experiment_tags (
                experiment_id INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (experiment_id, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE runs (
                run_pk INTEGER PRIMARY KEY,
                run_uuid TEXT NOT NULL UNIQUE,
                experiment_id INTEGER NOT NULL,
                name TEXT NOT NULL,
                user_id TEXT NOT NULL,
                status INTEGER NOT NULL,
                start_time INTEGER,
                end_time INTEGER,
                artifact_uri TEXT NOT NULL,
                lifecycle_stage TEXT NOT NULL DEFAULT 'active',
                deleted_time INTEGER
            )
            """,
            "CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time DESC, run_uuid)",
            """
            CREATE TABLE params (
                run_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_pk, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE run_tags (
                run_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_pk, key)
            ) WITHOUT ROWID
            """,
            "CREATE TABLE metric_keys (key_id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)",
            // Integer run and key ids keep this table narrow; the key order matches how points
            // arrive (one run, one key, rising steps), so inserts append to the index.
            """
            CREATE TABLE metrics (
                run_pk INTEGER NOT NULL,
                key_id INTEGER NOT NULL,
                step INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                value REAL NOT NULL,
                is_nan INTEGER NOT NULL,
                PRIMARY KEY (run_pk, key_id, step, timestamp, value, is_nan)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE latest_metrics (
                run_pk INTEGER NOT NULL,
                key_id INTEGER NOT NULL,
                step INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                value REAL NOT NULL,
                is_nan INTEGER NOT NULL,
                PRIMARY KEY (run_pk, key_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE datasets (
                dataset_pk INTEGER PRIMARY KEY,
                experiment_id INTEGER NOT NULL,
                name TEXT NOT NULL,
                digest TEXT NOT NULL,
                source_type TEXT NOT NULL,
                source TEXT NOT NULL,
                schema TEXT,
                profile TEXT,
                UNIQUE (experiment_id, name, digest)
            )
            """,
            """
            CREATE TABLE run_inputs (
                run_pk INTEGER NOT NULL,
                dataset_pk INTEGER NOT NULL,
                PRIMARY KEY (run_pk, dataset_pk)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE run_input_tags (
                run_pk INTEGER NOT NULL,
                dataset_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_pk, dataset_pk, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE run_outputs (
                run_pk INTEGER NOT NULL,
                model_id TEXT NOT NULL,
                step INTEGER NOT NULL,
                PRIMARY KEY (run_pk, model_id, step)
            ) WITHOUT ROWID
            """,
        ]),
        // Search reads the leading order key from an index in order (see RunSearchPlan).
        Migration(version: 2, statements: [
            "CREATE INDEX latest_metrics_by_value ON latest_metrics (key_id, is_nan, value)",
            "CREATE INDEX params_by_value ON params (key, value)",
            "CREATE INDEX run_tags_by_value ON run_tags (key, value)",
            // Runs are ordered by start time without a NULL case; MLflow stores 0 when it is unset.
            "UPDATE runs SET start_time = 0 WHERE start_time IS NULL",
        ]),
        // The model registry. Versions, tags and aliases hang off the model's surrogate key, so a
        // rename touches one row. A deleted version stays (deleted = 1) to keep its number taken.
        Migration(version: 3, statements: [
            """
            CREATE TABLE registered_models (
                model_pk INTEGER PRIMARY KEY,
                project_id INTEGER NOT NULL REFERENCES projects (project_id),
                name TEXT NOT NULL,
                description TEXT,
                creation_time INTEGER NOT NULL,
                last_updated_time INTEGER NOT NULL,
                UNIQUE (project_id, name)
            )
            """,
            """
            CREATE TABLE registered_model_tags (
                model_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_pk, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE model_versions (
                model_pk INTEGER NOT NULL,
                version INTEGER NOT NULL,
                creation_time INTEGER NOT NULL,
                last_updated_time INTEGER NOT NULL,
                current_stage TEXT NOT NULL,
                description TEXT,
                source TEXT NOT NULL,
                storage_location TEXT NOT NULL,
                run_id TEXT,
                run_link TEXT,
                deleted INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (model_pk, version)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX model_versions_by_run ON model_versions (run_id)",
            """
            CREATE TABLE model_version_tags (
                model_pk INTEGER NOT NULL,
                version INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_pk, version, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE registered_model_aliases (
                model_pk INTEGER NOT NULL,
                alias TEXT NOT NULL,
                version INTEGER NOT NULL,
                PRIMARY KEY (model_pk, alias)
            ) WITHOUT ROWID
            """,
        ]),
        // MLflow 3 logged models, owned by an experiment (hence a project).
        Migration(version: 4, statements: [
            """
            CREATE TABLE logged_models (
                model_pk INTEGER PRIMARY KEY,
                model_id TEXT NOT NULL UNIQUE,
                experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
                name TEXT NOT NULL,
                artifact_location TEXT NOT NULL,
                creation_time INTEGER NOT NULL,
                last_updated_time INTEGER NOT NULL,
                model_type TEXT,
                source_run_id TEXT,
                status INTEGER NOT NULL,
                status_message TEXT,
                deleted INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, deleted)",
            """
            CREATE TABLE logged_model_tags (
                model_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_pk, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE logged_model_params (
                model_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (model_pk, key)
            ) WITHOUT ROWID
            """,
        ]),
        // Metrics logged against logged models, each experiment's param, metric and tag keys (the
        // UI's column choices, kept by the ingest path so listing them never scans runs), and the
        // logged model behind a model version.
        Migration(version: 5, statements: [
            """
            CREATE TABLE logged_model_metrics (
                model_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                timestamp INTEGER NOT NULL,
                step INTEGER NOT NULL,
                run_id TEXT NOT NULL,
                dataset_name TEXT NOT NULL,
                dataset_digest TEXT NOT NULL,
                value REAL NOT NULL,
                is_nan INTEGER NOT NULL,
                PRIMARY KEY (model_pk, key, timestamp, step, run_id, dataset_name, dataset_digest, value, is_nan)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE experiment_keys (
                experiment_id INTEGER NOT NULL,
                kind INTEGER NOT NULL,
                key TEXT NOT NULL,
                PRIMARY KEY (experiment_id, kind, key)
            ) WITHOUT ROWID
            """,
            "INSERT OR IGNORE INTO experiment_keys SELECT DISTINCT r.experiment_id, 0, p.key FROM params p JOIN runs r USING (run_pk)",
            """
            INSERT OR IGNORE INTO experiment_keys
            SELECT DISTINCT r.experiment_id, 1, k.key FROM latest_metrics l JOIN runs r USING (run_pk) JOIN metric_keys k USING (key_id)
            """,
            "INSERT OR IGNORE INTO experiment_keys SELECT DISTINCT r.experiment_id, 2, t.key FROM run_tags t JOIN runs r USING (run_pk)",
            // The logged model a version was registered from (MLflow 3's `model_id`).
            "ALTER TABLE model_versions ADD COLUMN model_id TEXT",
        ]),
        // Access tokens: the id part of a token finds its row; only a salted hash of the secret is kept.
        Migration(version: 6, statements: [
            """
            CREATE TABLE access_tokens (
                token_pk INTEGER PRIMARY KEY,
                token_id TEXT NOT NULL UNIQUE,
                project_id INTEGER NOT NULL REFERENCES projects (project_id),
                role INTEGER NOT NULL,
                name TEXT NOT NULL,
                salt BLOB NOT NULL,
                secret_hash BLOB NOT NULL,
                creation_time INTEGER NOT NULL,
                expires_time INTEGER,
                revoked_time INTEGER,
                last_used_time INTEGER
            )
            """,
            "CREATE INDEX access_tokens_by_project ON access_tokens (project_id)",
        ]),
        // The experiments list counts each experiment's runs of one lifecycle stage; without this it
        // read every run row (about 45 ms at 100,000 runs).
        Migration(version: 7, statements: [
            "CREATE INDEX runs_by_experiment_stage ON runs (experiment_id, lifecycle_stage)",
        ]),
        // Points per block of steps, so the bulk-interval sample finds a position without numbering
        // a history's points (see MetricStepCounts); the logged models a run used (log-inputs).
        Migration(version: 8, statements: [
            """
            CREATE TABLE run_model_inputs (
                run_pk INTEGER NOT NULL,
                model_id TEXT NOT NULL,
                PRIMARY KEY (run_pk, model_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE metric_step_counts (
                run_pk INTEGER NOT NULL,
                key_id INTEGER NOT NULL,
                level INTEGER NOT NULL,
                block INTEGER NOT NULL,
                points INTEGER NOT NULL,
                PRIMARY KEY (run_pk, key_id, level, block)
            ) WITHOUT ROWID
            """,
        ] + MetricStepBlocks.shifts.indices.map(MetricStepCounts.backfill(level:))),

        // MLflow 3 tracing: traces with their tags, request metadata, links to runs, assessments and spans.
        // A trace's state is kept as its enum name, which is what filters compare and order by.
        Migration(version: 10, statements: [
            """
            CREATE TABLE traces (
                trace_pk INTEGER PRIMARY KEY,
                trace_id TEXT NOT NULL UNIQUE,
                experiment_id INTEGER NOT NULL,
                request_time INTEGER NOT NULL,
                execution_time INTEGER,
                state TEXT NOT NULL,
                client_request_id TEXT,
                request_preview TEXT,
                response_preview TEXT
            )
            """,
            "CREATE INDEX traces_by_experiment ON traces (experiment_id, request_time DESC, trace_id)",
            """
            CREATE TABLE trace_tags (
                trace_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (trace_pk, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE trace_metadata (
                trace_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (trace_pk, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE trace_runs (
                trace_pk INTEGER NOT NULL,
                run_id TEXT NOT NULL,
                PRIMARY KEY (trace_pk, run_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX trace_runs_by_run ON trace_runs (run_id)",
            """
            CREATE TABLE trace_assessments (
                assessment_pk INTEGER PRIMARY KEY,
                assessment_id TEXT NOT NULL UNIQUE,
                trace_pk INTEGER NOT NULL,
                name TEXT NOT NULL,
                span_id TEXT,
                create_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL,
                valid INTEGER NOT NULL,
                overrides TEXT,
                details TEXT NOT NULL
            )
            """,
            "CREATE INDEX trace_assessments_by_trace ON trace_assessments (trace_pk)",
            """
            CREATE TABLE trace_spans (
                trace_pk INTEGER NOT NULL,
                span_id TEXT NOT NULL,
                parent_span_id TEXT,
                name TEXT NOT NULL,
                start_time_ns INTEGER NOT NULL,
                end_time_ns INTEGER,
                status_code INTEGER NOT NULL,
                span_type TEXT,
                content TEXT NOT NULL,
                PRIMARY KEY (trace_pk, span_id)
            ) WITHOUT ROWID
            """,
        ]),
        // MLflow 3 evaluation datasets, owned by a project: tags, links to experiments, and records
        // kept once per inputs (their SHA-256) and paged in (creation time, id) order.
        Migration(version: 11, statements: [
            """
            CREATE TABLE evaluation_datasets (
                dataset_pk INTEGER PRIMARY KEY,
                dataset_id TEXT NOT NULL UNIQUE,
                project_id INTEGER NOT NULL REFERENCES projects (project_id),
                name TEXT NOT NULL,
                schema TEXT,
                profile TEXT,
                digest TEXT NOT NULL,
                created_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL,
                created_by TEXT,
                last_updated_by TEXT
            )
            """,
            "CREATE INDEX evaluation_datasets_by_project ON evaluation_datasets (project_id, created_time)",
            """
            CREATE TABLE evaluation_dataset_tags (
                dataset_pk INTEGER NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (dataset_pk, key)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE evaluation_dataset_experiments (
                dataset_pk INTEGER NOT NULL,
                experiment_id INTEGER NOT NULL,
                PRIMARY KEY (dataset_pk, experiment_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX evaluation_dataset_experiments_by_experiment ON evaluation_dataset_experiments (experiment_id)",
            """
            CREATE TABLE evaluation_dataset_records (
                record_pk INTEGER PRIMARY KEY,
                record_id TEXT NOT NULL UNIQUE,
                dataset_pk INTEGER NOT NULL,
                input_hash TEXT NOT NULL,
                inputs TEXT NOT NULL,
                outputs TEXT,
                expectations TEXT,
                tags TEXT NOT NULL,
                source TEXT,
                source_id TEXT,
                source_type TEXT,
                created_time INTEGER NOT NULL,
                last_update_time INTEGER NOT NULL,
                created_by TEXT,
                last_updated_by TEXT,
                UNIQUE (dataset_pk, input_hash)
            )
            """,
            "CREATE INDEX evaluation_dataset_records_in_order ON evaluation_dataset_records (dataset_pk, created_time, record_id)",
        ]),
        // Trace links MLflow 3.12 keeps: prompt versions a trace used (`traces/link-prompts`), and
        // links to runs made before the trace's spans arrived (the client exports them in the
        // background), kept by trace id until the trace is deleted.
        Migration(version: 12, statements: [
            """
            CREATE TABLE trace_prompt_links (
                trace_pk INTEGER NOT NULL,
                prompt_version TEXT NOT NULL,
                PRIMARY KEY (trace_pk, prompt_version)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX trace_prompt_links_by_prompt ON trace_prompt_links (prompt_version)",
            """
            CREATE TABLE trace_early_run_links (
                trace_id TEXT NOT NULL,
                run_id TEXT NOT NULL,
                PRIMARY KEY (trace_id, run_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX trace_early_run_links_by_run ON trace_early_run_links (run_id)",
        ]),
        // Trace search ordered by execution time reads an experiment's traces in that order and stops
        // after a page, instead of sorting all of them (the expression is TraceSearchSQL's order term).
        Migration(version: 13, statements: [
            "CREATE INDEX traces_by_execution_time ON traces (experiment_id, IFNULL(execution_time, -1) DESC, trace_id)",
        ]),
    ]

    /// GRDB's migrator records applied versions and runs each migration in its own transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration("v\(migration.version)") { db in
                for statement in migration.statements {
                    try db.execute(sql: statement)
                }
            }
        }
        return migrator
    }
}
