//! The whole machine's CPUs over a load's measured seconds, from
//! `/proc/stat`: client, central and database together, and whether any
//! CPU stood idle or was taken by the hypervisor (steal).

/// Ticks of `/proc/stat`'s first line.
#[derive(Clone, Copy)]
pub(crate) struct CpuTicks {
    /// user, nice, system, irq and softirq: work of some process or the
    /// kernel (guest time is inside user and nice already).
    busy: u64,
    /// idle and iowait.
    idle: u64,
    /// Time the hypervisor gave to other machines.
    steal: u64,
}

/// `/proc/stat` counts in `USER_HZ`, 100 a second on Linux whatever the
/// kernel's own tick.
const TICKS_PER_SEC: f64 = 100.0;

/// The machine's ticks so far, or `None` where `/proc/stat` cannot be read.
pub(crate) fn cpu_ticks() -> Option<CpuTicks> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_cpu_line(stat.lines().next()?)
}

/// `cpu  user nice system idle iowait irq softirq steal guest guest_nice`
/// (older kernels print fewer fields).
fn parse_cpu_line(line: &str) -> Option<CpuTicks> {
    let fields: Vec<u64> = line
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let at = |i: usize| fields.get(i).copied();
    let or0 = |i: usize| at(i).unwrap_or(0);
    Some(CpuTicks {
        busy: at(0)? + at(1)? + at(2)? + or0(5) + or0(6),
        idle: at(3)? + or0(4),
        steal: or0(7),
    })
}

/// The machine's use of its CPUs between two readings.
#[derive(Clone, Copy)]
pub(crate) struct MachineCpu {
    /// CPU seconds of work, all CPUs together.
    pub(crate) busy_secs: f64,
    /// Wall seconds between the readings.
    wall_secs: f64,
    /// Shares of the CPUs' time that stood idle and that were stolen, 0 to 1.
    pub(crate) idle_share: f64,
    pub(crate) steal_share: f64,
}

impl MachineCpu {
    /// What the machine did from `before` to `after`, `wall_secs` apart.
    pub(crate) fn between(before: CpuTicks, after: CpuTicks, wall_secs: f64) -> Option<MachineCpu> {
        let busy = after.busy.checked_sub(before.busy)?;
        let idle = after.idle.checked_sub(before.idle)?;
        let steal = after.steal.checked_sub(before.steal)?;
        let all = (busy + idle + steal) as f64;
        if all == 0.0 || wall_secs <= 0.0 {
            return None;
        }
        Some(MachineCpu {
            busy_secs: busy as f64 / TICKS_PER_SEC,
            wall_secs,
            idle_share: idle as f64 / all,
            steal_share: steal as f64 / all,
        })
    }

    /// CPUs at work on average.
    pub(crate) fn busy_cpus(&self) -> f64 {
        self.busy_secs / self.wall_secs
    }
}

/// Checks the parser on lines as Linux writes them (the bench has no test
/// harness; `main` runs this before any load).
pub(crate) fn self_check() {
    let t = parse_cpu_line("cpu  7524809 48372 972756 3714767 81266 0 78608 7686 0 0")
        .expect("a /proc/stat line");
    assert_eq!(
        (t.busy, t.idle, t.steal),
        (7524809 + 48372 + 972756 + 78608, 3714767 + 81266, 7686)
    );
    let old = parse_cpu_line("cpu  1 2 3 4").expect("a four-field line");
    assert_eq!((old.busy, old.idle, old.steal), (6, 4, 0));
    assert!(parse_cpu_line("cpu0 1 2 3 4").is_none(), "one CPU's line");
    assert!(
        parse_cpu_line("cpu  1 x 3 4").is_none(),
        "a field that is no number"
    );
    let ticks = |busy, idle, steal| CpuTicks { busy, idle, steal };
    let m = MachineCpu::between(ticks(100, 50, 0), ticks(250, 90, 10), 1.0).expect("a window");
    assert_eq!(
        (m.busy_secs, m.busy_cpus(), m.idle_share, m.steal_share),
        (1.5, 1.5, 0.2, 0.05)
    );
    assert!(
        MachineCpu::between(ticks(250, 90, 10), ticks(100, 50, 0), 1.0).is_none(),
        "readings out of order"
    );
}
