//! The whole machine's time on its CPUs over the measured window, from
//! `/proc/stat`: what one order costs of client, central and database
//! together, and whether any CPU stood idle. With the load alone on the
//! machine this bounds what a closed loop can reach: its requests' mean
//! latency is the clients at work divided by the orders a second (Little's
//! law), and the orders a second are at most the CPUs over one order's cost.

/// Ticks of `/proc/stat`'s first line (`USER_HZ`, 100 a second on Linux).
#[derive(Clone, Copy)]
pub(crate) struct CpuTicks {
    /// user, nice, system, irq and softirq: work of some process or the kernel.
    busy: u64,
    /// idle and iowait.
    idle: u64,
}

const TICKS_PER_SEC: f64 = 100.0;

/// The machine's ticks so far, or `None` where `/proc/stat` cannot be read.
pub(crate) fn cpu_ticks() -> Option<CpuTicks> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_cpu_line(stat.lines().next()?)
}

/// `cpu  user nice system idle iowait irq softirq steal ...`: steal (time the
/// hypervisor gave to others) is neither this machine's work nor idle.
fn parse_cpu_line(line: &str) -> Option<CpuTicks> {
    let fields: Vec<u64> = line
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let at = |i: usize| fields.get(i).copied();
    Some(CpuTicks {
        busy: at(0)? + at(1)? + at(2)? + at(5).unwrap_or(0) + at(6).unwrap_or(0),
        idle: at(3)? + at(4).unwrap_or(0),
    })
}

/// The machine's use of its CPUs between two readings.
#[derive(Clone, Copy)]
pub(crate) struct MachineCpu {
    /// CPU seconds of work, all CPUs together.
    pub(crate) busy_secs: f64,
    /// The share of the CPUs' time that stood idle, 0 to 1.
    pub(crate) idle_share: f64,
}

impl MachineCpu {
    /// What the machine did from `before` to `after`.
    pub(crate) fn between(before: CpuTicks, after: CpuTicks) -> Option<MachineCpu> {
        let busy = after.busy.checked_sub(before.busy)?;
        let idle = after.idle.checked_sub(before.idle)?;
        let all = busy + idle;
        (all > 0).then(|| MachineCpu {
            busy_secs: busy as f64 / TICKS_PER_SEC,
            idle_share: idle as f64 / all as f64,
        })
    }
}

/// Checks the parser on a line as Linux writes it (the bench has no test
/// harness; `main` runs this before any load).
pub(crate) fn self_check() {
    let t = parse_cpu_line("cpu  7524809 48372 972756 3714767 81266 0 78608 7686 0 0")
        .expect("a /proc/stat line");
    assert_eq!(
        (t.busy, t.idle),
        (7524809 + 48372 + 972756 + 78608, 3714767 + 81266)
    );
    assert!(parse_cpu_line("cpu0 1 2 3 4").is_none(), "one CPU's line");
    assert!(
        parse_cpu_line("cpu  1 x 3 4").is_none(),
        "a field that is no number"
    );
    let (a, b) = (
        CpuTicks {
            busy: 100,
            idle: 50,
        },
        CpuTicks {
            busy: 250,
            idle: 100,
        },
    );
    let m = MachineCpu::between(a, b).expect("a window");
    assert_eq!((m.busy_secs, m.idle_share), (1.5, 0.25));
    assert!(MachineCpu::between(b, a).is_none(), "readings out of order");
}
