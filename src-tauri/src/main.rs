//! The Boxoffice counter app: a thin Tauri shell. Every UI action is one
//! `call(cmd, args)` into the terminal engine's command dispatcher, the same
//! one the HTTP adapter serves to browsers.
//!
//! With `BOXOFFICE_DATA` pointing at an initialised terminal (see
//! `boxoffice-site init`) the app sells for that terminal; otherwise it runs
//! the demo: an embedded central with demo data and a virtual printer.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod demo;

use serde_json::Value;
use site::clock::{SystemClock, V7Ids};
use site::{ErrorBody, Site};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::Manager;

struct Engine(Arc<Site>);

#[tauri::command]
async fn call(
    cmd: String,
    args: Option<Value>,
    engine: tauri::State<'_, Engine>,
) -> Result<Value, ErrorBody> {
    let site = engine.0.clone();
    site::commands::dispatch(&site, &cmd, args.unwrap_or(Value::Null)).await
}

/// Opens the configured terminal, or starts the demo.
async fn open_engine(app_data: PathBuf) -> Result<Site, Box<dyn std::error::Error>> {
    if let Some(dir) = std::env::var_os("BOXOFFICE_DATA") {
        let site = Site::open(
            &PathBuf::from(dir),
            Arc::new(SystemClock),
            Arc::new(V7Ids),
            false,
        )?;
        if site.config().is_ok() {
            if let Err(e) = site.sync().await {
                tracing::warn!(error = %e, "start-up sync failed; selling from the local cache");
            }
            return Ok(site);
        }
        tracing::warn!("BOXOFFICE_DATA is not an initialised terminal; starting the demo");
    }
    demo::start(&app_data.join("demo")).await
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            let data = app.path().app_data_dir()?;
            let site = tauri::async_runtime::block_on(open_engine(data))
                .map_err(|e| format!("cannot start the terminal: {e}"))?;
            let site = Arc::new(site);
            // Queued sales keep flowing to central in the background.
            tauri::async_runtime::spawn(site::pump::run(
                site.clone(),
                site::pump::Backoff::default(),
                site::pump::random_jitter,
            ));
            app.manage(Engine(site));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![call])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
