//! The Boxoffice counter app: a thin Tauri shell. Every UI action is one
//! `call(cmd, args)` into the terminal engine's command dispatcher, the same
//! one the HTTP adapter serves to browsers.
//!
//! Which terminal it opens:
//! - `--demo` (or `BOXOFFICE_DEMO=1`): the demo, an embedded central with
//!   demo data and a virtual printer;
//! - otherwise the terminal in `BOXOFFICE_DATA`, or in the app's data
//!   folder (`<app data>/terminal`). A missing, unset-up or damaged terminal
//!   is a start-up screen that says what is wrong and what to do; it never
//!   turns into the demo by itself. Only a counter that was never set up
//!   (no `BOXOFFICE_DATA`, nothing in the app's folder) offers the demo as
//!   an explicit choice on that screen.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod demo;

use serde_json::Value;
use site::boot::StartupProblem;
use site::clock::{SystemClock, V7Ids};
use site::{ErrorBody, Site};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tauri::Manager;
use tokio::sync::RwLock;

/// The engine, or why there is none yet.
enum EngineState {
    Ready {
        site: Arc<Site>,
        _running: Option<site::backup::RunLock>,
    },
    Problem {
        problem: StartupProblem,
        /// The start-up screen may offer the demo (a never-set-up counter).
        demo_offered: bool,
        demo_dir: PathBuf,
        /// The terminal directory was named (`BOXOFFICE_DATA`), not the default.
        chosen: bool,
    },
}

struct Engine(RwLock<EngineState>);

/// The one command the start-up screen adds: choose the demo.
const START_DEMO: &str = "start_demo";

/// When the process started, for the start-up figure below.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
static SIGN_IN_SERVED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Logs, once, how long the process took until the sign-in screen had its
/// list of staff (`make bench-app` reads it).
fn note_sign_in_screen(cmd: &str) {
    if cmd == "staff_list" && !SIGN_IN_SERVED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        let ms = STARTED.get().map(|t| t.elapsed().as_millis()).unwrap_or(0);
        tracing::info!(since_start_ms = ms as u64, "sign-in screen served");
    }
}

#[tauri::command]
async fn call(
    cmd: String,
    args: Option<Value>,
    engine: tauri::State<'_, Engine>,
    app: tauri::AppHandle,
) -> Result<Value, ErrorBody> {
    note_sign_in_screen(&cmd);
    let ready = match &*engine.0.read().await {
        EngineState::Ready { site, .. } => Some(site.clone()),
        EngineState::Problem { .. } => None,
    };
    if let Some(site) = ready {
        return site::commands::dispatch(&site, &cmd, args.unwrap_or(Value::Null)).await;
    }
    let mut state = engine.0.write().await;
    match &*state {
        EngineState::Ready { site, .. } => {
            let site = site.clone();
            drop(state);
            site::commands::dispatch(&site, &cmd, args.unwrap_or(Value::Null)).await
        }
        EngineState::Problem {
            demo_offered: true,
            demo_dir,
            ..
        } if cmd == START_DEMO => {
            let site = demo::start(demo_dir).await.map_err(|e| ErrorBody {
                code: "demo_failed".into(),
                message: format!("the demo cannot start: {e}"),
                params: None,
            })?;
            let site = Arc::new(site);
            start_pump(&app, &site);
            tracing::info!("the demo was chosen on the start-up screen");
            *state = EngineState::Ready {
                site: site.clone(),
                _running: None,
            };
            drop(state);
            site::commands::dispatch(&site, "status", Value::Null).await
        }
        // A counter that is not set up takes its provisioning file.
        EngineState::Problem { problem, .. } if cmd == PROVISION && provisionable(problem) => {
            let dir = problem.dir.clone();
            let file = args
                .as_ref()
                .and_then(|a| a.get("file"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string();
            let site = provision(&dir, &file).await.map_err(|e| e.to_body())?;
            let site = Arc::new(site);
            let running = site::backup::RunLock::acquire(&dir).map_err(|e| e.to_body())?;
            start_pump(&app, &site);
            *state = EngineState::Ready {
                site: site.clone(),
                _running: Some(running),
            };
            drop(state);
            site::commands::dispatch(&site, "status", Value::Null).await
        }
        // "Try again" on the start-up screen: open the terminal again (central
        // IT may have restored or provisioned it meanwhile).
        EngineState::Problem {
            problem,
            demo_dir,
            chosen,
            ..
        } if cmd == "status" && problem.code != "demo_failed" => {
            let next = open_terminal(problem.dir.clone(), *chosen, demo_dir.clone()).await;
            *state = next;
            match &*state {
                EngineState::Ready { site, .. } => {
                    let site = site.clone();
                    start_pump(&app, &site);
                    drop(state);
                    site::commands::dispatch(&site, "status", Value::Null).await
                }
                EngineState::Problem {
                    problem,
                    demo_offered,
                    ..
                } => Err(problem_body(problem, *demo_offered)),
            }
        }
        EngineState::Problem {
            problem,
            demo_offered,
            ..
        } => Err(problem_body(problem, *demo_offered)),
    }
}

/// The one command the start-up screen adds for a counter that is not set
/// up: take a provisioning file (`{"file": PATH}`).
const PROVISION: &str = "provision";

/// Whether the start-up screen offers provisioning.
fn provisionable(problem: &StartupProblem) -> bool {
    matches!(problem.code, "terminal.missing" | "terminal.not_set_up")
}

/// Provisions the terminal in `dir` from the file at `path`.
async fn provision(dir: &Path, path: &str) -> Result<Site, site::SiteError> {
    if path.is_empty() {
        return Err(site::SiteError::Invalid(
            "give the path of the provisioning file".into(),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        site::SiteError::Invalid(format!("cannot read the provisioning file {path}: {e}"))
    })?;
    let trusted = site::flows::provision::trusted_keys(None)?;
    site::boot::check_new_terminal_dir(dir)?;
    let site = Site::open(dir, Arc::new(SystemClock), Arc::new(V7Ids), false)?;
    site.provision(&text, &trusted).await?;
    Ok(site)
}

/// The start-up problem as the UI receives it.
fn problem_body(problem: &StartupProblem, demo_offered: bool) -> ErrorBody {
    let mut body = problem.body();
    let params = body.params.get_or_insert_with(Default::default);
    if demo_offered {
        params.insert("demo_offered".into(), "yes".into());
    }
    if provisionable(problem) {
        params.insert("provision_offered".into(), "yes".into());
    }
    body
}

/// Queued sales keep flowing to central in the background; once root has
/// installed an update, the app restarts into it when the counter is idle.
fn start_pump(app: &tauri::AppHandle, site: &Arc<Site>) {
    tauri::async_runtime::spawn(site::pump::run(
        site.clone(),
        site::pump::Backoff::default(),
        site::pump::random_jitter,
    ));
    let (app, site) = (app.clone(), site.clone());
    tauri::async_runtime::spawn(async move {
        // The pump and the screen's reports advance the install; this only
        // acts on a restart one of them found due.
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            if let Some(version) = site.take_restart_due() {
                tracing::info!(%version, "restarting into the installed update");
                app.restart();
            }
        }
    });
}

/// The counter shows one local page: WebKit's browser caches (decoded
/// images of every ticket preview shown, pages kept for going back) only
/// cost memory. With the document-viewer cache model, WebKit keeps no
/// memory cache and no page cache (`make bench-app` measures the effect
/// while selling).
fn lean_web_view(app: &tauri::App) {
    #[cfg(target_os = "linux")]
    for window in app.webview_windows().values() {
        let set = window.with_webview(|view| {
            use webkit2gtk::{WebContextExt as _, WebViewExt as _};
            if let Some(context) = view.inner().context() {
                context.set_cache_model(webkit2gtk::CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = set {
            tracing::warn!(error = %e, "cannot set the web view's cache model");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// `boxoffice --install-update [--data DIR] [--trust FILE]`: root's half of
/// an update (the package's `boxoffice-update` service), no window.
fn install_update(args: &[String]) -> std::process::ExitCode {
    let mut data = PathBuf::from(INSTALLED_DATA).join("terminal");
    let mut trust = None;
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        match (arg.as_str(), rest.next()) {
            ("--data", Some(dir)) => data = PathBuf::from(dir),
            ("--trust", Some(file)) => trust = Some(PathBuf::from(file)),
            _ => {
                eprintln!("error: unknown argument '{arg}'\n\n{HELP}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    if let Err(e) = logs::init(logs::Target::Stderr { json: true }, "info") {
        eprintln!("error: {e}");
    }
    match site::flows::update_install::run_installer(&data, trust.as_deref(), None) {
        Ok(outcome) => {
            println!(
                "{} {}: {}",
                outcome.version, outcome.outcome, outcome.message
            );
            if outcome.outcome == "installed" {
                std::process::ExitCode::SUCCESS
            } else {
                std::process::ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn demo_asked() -> bool {
    std::env::args().skip(1).any(|a| a == "--demo")
        || std::env::var("BOXOFFICE_DEMO").is_ok_and(|v| v == "1")
}

/// Opens the demo when asked for, else the configured terminal.
async fn open_engine(app_data: &Path) -> EngineState {
    let demo_dir = app_data.join("demo");
    if demo_asked() {
        return match demo::start(&demo_dir).await {
            Ok(site) => EngineState::Ready {
                site: Arc::new(site),
                _running: None,
            },
            Err(e) => EngineState::Problem {
                problem: StartupProblem {
                    code: "demo_failed",
                    what: format!("The demo cannot start: {e}."),
                    todo: format!("Remove {} and start the demo again.", demo_dir.display()),
                    dir: demo_dir.clone(),
                },
                demo_offered: false,
                demo_dir,
                chosen: true,
            },
        };
    }
    match std::env::var_os("BOXOFFICE_DATA") {
        Some(dir) => open_terminal(PathBuf::from(dir), true, demo_dir).await,
        None => open_terminal(default_terminal_dir(app_data), false, demo_dir).await,
    }
}

/// The installed counter's data directory (made by the package for the
/// counter's user, see `installer/linux/postinst`).
const INSTALLED_DATA: &str = "/var/lib/boxoffice";

/// Where the terminal lives when `BOXOFFICE_DATA` does not say: the
/// installed counter's directory when this user may write there, else the
/// app's folder in the user's data directory.
fn default_terminal_dir(app_data: &Path) -> PathBuf {
    let installed = Path::new(INSTALLED_DATA);
    let probe = installed.join(format!(".probe-{}", std::process::id()));
    let writable = std::fs::File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    if writable {
        installed.join("terminal")
    } else {
        app_data.join("terminal")
    }
}

/// Opens the set-up terminal in `dir`, or says why it cannot sell.
async fn open_terminal(dir: PathBuf, chosen: bool, demo_dir: PathBuf) -> EngineState {
    let problem = |problem: StartupProblem, demo_offered| EngineState::Problem {
        problem,
        demo_offered,
        demo_dir: demo_dir.clone(),
        chosen,
    };
    let site = match site::boot::open_configured(&dir, Arc::new(SystemClock), Arc::new(V7Ids)) {
        Ok(site) => site,
        Err(p) => {
            tracing::error!(code = p.code, "{p}");
            let never_set_up =
                !chosen && matches!(p.code, "terminal.missing" | "terminal.not_set_up");
            return problem(p, never_set_up);
        }
    };
    let running = match site::backup::RunLock::acquire(&dir) {
        Ok(lock) => lock,
        Err(e) => {
            return problem(
                StartupProblem {
                    code: "terminal.in_use",
                    what: e.to_string(),
                    todo: "Close the other window of the app (or stop `boxoffice-site serve`), then try again.".into(),
                    dir,
                },
                false,
            );
        }
    };
    if let Err(e) = site.sync().await {
        tracing::warn!(error = %e, "start-up sync failed; selling from the local cache");
    }
    EngineState::Ready {
        site: Arc::new(site),
        _running: Some(running),
    }
}

const HELP: &str = "boxoffice: the Boxoffice counter app

usage: boxoffice [--demo] [--version] [--help]
       boxoffice --install-update [--data DIR] [--trust FILE]

  --demo            run the demo (an embedded central, demo data, a virtual printer)
  --version         print the version and exit
  --install-update  as root, install the update the counter asked for (what
                    the boxoffice-update service runs); DIR defaults to
                    /var/lib/boxoffice/terminal

Without --demo it sells for the terminal in BOXOFFICE_DATA, else in
/var/lib/boxoffice/terminal (an installed counter), else in the user's data
folder; one that is not set up shows how to set it up.";

fn main() -> std::process::ExitCode {
    STARTED.get_or_init(std::time::Instant::now);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-V") {
        println!("boxoffice {}", env!("CARGO_PKG_VERSION"));
        return std::process::ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return std::process::ExitCode::SUCCESS;
    }
    if args.first().is_some_and(|a| a == "--install-update") {
        return install_update(&args);
    }
    if let Some(unknown) = args.iter().find(|a| a.as_str() != "--demo") {
        eprintln!("error: unknown argument '{unknown}'\n\n{HELP}");
        std::process::exit(2);
    }
    site::private_files::restrict_new_files();
    let result = tauri::Builder::default()
        .setup(|app| {
            let data = app.path().app_data_dir()?;
            // JSON lines, rotated, beside the terminal's data (the terminal
            // named by BOXOFFICE_DATA, else the app's folder).
            let log_dir = std::env::var_os("BOXOFFICE_DATA")
                .map(PathBuf::from)
                .filter(|d| d.is_dir())
                .map(|d| d.join("logs"))
                .unwrap_or_else(|| data.join("logs"));
            logs::init(
                logs::Target::Dir {
                    dir: log_dir,
                    name: "app".into(),
                    rotation: logs::Rotation::default(),
                },
                "info",
            )?;
            lean_web_view(app);
            let state = tauri::async_runtime::block_on(open_engine(&data));
            if let EngineState::Ready { site, .. } = &state {
                start_pump(app.handle(), site);
            }
            app.manage(Engine(RwLock::new(state)));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![call])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("error: {e}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
