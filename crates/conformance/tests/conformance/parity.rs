//! The two engines' schemas must not drift: same tables, columns, nullability and index names.

use std::collections::BTreeSet;

use sqlx::{AssertSqlSafe, Row};

/// (table, column, type class, nullable) and index names.
type Schema = (BTreeSet<(String, String, String, bool)>, BTreeSet<String>);

fn class(t: &str) -> String {
    let t = t.to_lowercase();
    match t.as_str() {
        "integer" | "bigint" => "integer",
        "text" => "text",
        "date" => "date",
        "timestamp with time zone" => "timestamp",
        _ => &t,
    }
    .to_string()
}

async fn sqlite_schema(path: &str) -> Schema {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{path}")).await.unwrap();
    let tables: Vec<String> =
        // Tables only: the search index (`document_search`, migration 0016) is each engine's own
        // accelerator — FTS5 here, a view and a trigram index there — compared by what it finds
        // (`documents::the_search_index_only_narrows`), not by its shape.
        sqlx::query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    let mut columns = BTreeSet::new();
    let mut indexes = BTreeSet::new();
    for t in tables {
        for r in sqlx::query(AssertSqlSafe(format!("PRAGMA table_info({t})"))).fetch_all(&pool).await.unwrap() {
            let name: String = r.get("name");
            let ty: String = r.get("type");
            let notnull: i64 = r.get("notnull");
            let pk: i64 = r.get("pk");
            // Timestamps are TEXT in SQLite and TIMESTAMPTZ in PostgreSQL.
            let ty = if name.ends_with("_at") { "timestamp with time zone".to_string() } else { ty };
            columns.insert((t.clone(), name, class(&ty), notnull == 0 && pk == 0));
        }
        for r in sqlx::query(AssertSqlSafe(format!("PRAGMA index_list({t})"))).fetch_all(&pool).await.unwrap() {
            let name: String = r.get("name");
            if !name.starts_with("sqlite_autoindex") {
                indexes.insert(name);
            }
        }
    }
    (columns, indexes)
}

async fn postgres_schema(url: &str) -> Schema {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut columns = BTreeSet::new();
    for r in sqlx::query(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' AND table_name <> 'document_search'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    {
        let nullable: String = r.get(3);
        columns.insert((r.get(0), r.get(1), class(r.get::<String, _>(2).as_str()), nullable == "YES"));
    }
    let indexes = sqlx::query("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND tablename <> '_sqlx_migrations' AND indexname <> 'document_search_trigrams'")
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    (columns, indexes)
}

#[tokio::test]
async fn schemas_are_the_same() {
    let sqlite = conformance::fresh(conformance::Engine::Sqlite).await.unwrap();
    let Some(pg) = conformance::fresh(conformance::Engine::Postgres).await else { return };
    let (sc, si) = sqlite_schema(&sqlite.location).await;
    let (pc, pi) = postgres_schema(&pg.location).await;
    assert_eq!(sc.symmetric_difference(&pc).collect::<Vec<_>>(), Vec::<&(String, String, String, bool)>::new());
    assert_eq!(si, pi);
    assert!(sc.len() > 60, "expected the whole register schema, got {} columns", sc.len());
}

/// Both engines name a result's columns alike, so row mappers read them by name on either: a
/// column is named as in its table (without the table's alias), an expression by its `AS` alias,
/// all in lower case; a name the statement does not have is a decode error that names it.
async fn columns_are_named_alike(t: &conformance::TestStore) {
    use storage::db::DbError;
    let db = t.database().await;
    let mut conn = db.reader().await.unwrap();
    let sql = "SELECT c.seq, c.seq + 1 AS Next, COUNT(*) AS n FROM change_counter c GROUP BY c.seq".into();
    let rows = conn.query(&sql, vec![]).await.unwrap();
    let r = rows.first().unwrap();
    assert_eq!(r.names().iter().map(|n| &**n).collect::<Vec<_>>(), ["seq", "next", "n"]);
    assert_eq!(r.i64("next").unwrap(), r.i64("seq").unwrap() + 1);
    assert_eq!(r.i64("n").unwrap(), 1);
    match r.i64("count") {
        Err(DbError::Decode(message)) => assert!(message.contains("\"count\""), "{message}"),
        other => panic!("a missing column must be a decode error, got {other:?}"),
    }
}

conformance::on_both_engines!(columns_are_named_alike);
