// This file was generated from the command table in crates/site/src/commands.rs. Do not edit it by hand.
import type { ApproverView } from "./ApproverView";
import type { AuditArgs } from "./AuditArgs";
import type { AuditCheckView } from "./AuditCheckView";
import type { AuditEntryView } from "./AuditEntryView";
import type { BestAvailable } from "./BestAvailable";
import type { BestAvailableArgs } from "./BestAvailableArgs";
import type { BookingArgs } from "./BookingArgs";
import type { BookingView } from "./BookingView";
import type { CheckApprovalArgs } from "./CheckApprovalArgs";
import type { ConflictView } from "./ConflictView";
import type { Empty } from "./Empty";
import type { HoldSeatsArgs } from "./HoldSeatsArgs";
import type { HoldView } from "./HoldView";
import type { LoginArgs } from "./LoginArgs";
import type { LogoutArgs } from "./LogoutArgs";
import type { PrinterView } from "./PrinterView";
import type { Printout } from "./Printout";
import type { PrintoutImage } from "./PrintoutImage";
import type { PrintoutImageArgs } from "./PrintoutImageArgs";
import type { ReleaseHoldArgs } from "./ReleaseHoldArgs";
import type { ReprintArgs } from "./ReprintArgs";
import type { ReseatArgs } from "./ReseatArgs";
import type { ReseatResult } from "./ReseatResult";
import type { ResolveConflictArgs } from "./ResolveConflictArgs";
import type { SaleResult } from "./SaleResult";
import type { SeatMap } from "./SeatMap";
import type { SeatMapArgs } from "./SeatMapArgs";
import type { SellArgs } from "./SellArgs";
import type { Session } from "./Session";
import type { ShiftCloseArgs } from "./ShiftCloseArgs";
import type { ShiftOpenArgs } from "./ShiftOpenArgs";
import type { ShiftPrinted } from "./ShiftPrinted";
import type { ShiftReport } from "./ShiftReport";
import type { ShowtimeSummary } from "./ShowtimeSummary";
import type { ShowtimesArgs } from "./ShowtimesArgs";
import type { Status } from "./Status";
import type { SyncReport } from "./SyncReport";
import type { TokenArgs } from "./TokenArgs";

/**
 * Every command of the engine: its arguments and its result.
 */
export interface Commands {
  status: { args: Empty; result: Status };
  login: { args: LoginArgs; result: Session };
  logout: { args: LogoutArgs; result: Empty };
  showtimes: { args: ShowtimesArgs; result: Array<ShowtimeSummary> };
  seat_map: { args: SeatMapArgs; result: SeatMap };
  sell: { args: SellArgs; result: SaleResult };
  printout_image: { args: PrintoutImageArgs; result: PrintoutImage };
  sync: { args: Empty; result: SyncReport };
  best_available: { args: BestAvailableArgs; result: BestAvailable };
  printer_status: { args: Empty; result: PrinterView };
  print_test_page: { args: TokenArgs; result: Printout };
  reprint: { args: ReprintArgs; result: Array<Printout> };
  reseat: { args: ReseatArgs; result: ReseatResult };
  conflicts: { args: Empty; result: Array<ConflictView> };
  resolve_conflict: { args: ResolveConflictArgs; result: ConflictView };
  web_booking: { args: BookingArgs; result: BookingView };
  collect_booking: { args: BookingArgs; result: BookingView };
  hold_seats: { args: HoldSeatsArgs; result: HoldView };
  release_hold: { args: ReleaseHoldArgs; result: Empty };
  check_approval: { args: CheckApprovalArgs; result: ApproverView };
  audit_trail: { args: AuditArgs; result: Array<AuditEntryView> };
  audit_check: { args: TokenArgs; result: AuditCheckView };
  shift_open: { args: ShiftOpenArgs; result: ShiftReport };
  shift_report: { args: TokenArgs; result: ShiftPrinted };
  shift_close: { args: ShiftCloseArgs; result: ShiftPrinted };
}
