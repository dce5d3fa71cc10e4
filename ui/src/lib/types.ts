// Wire types of the terminal engine's command interface.
//
// The shapes are generated from the Rust API (crates/site/src/api.rs) by ts-rs
// into ./bindings and committed; this module only names them for the UI and
// maps each command to its arguments and result. Every amount is an integer
// in minor units of the currency.

import type { CurrencyInfo } from './bindings/CurrencyInfo';
import type { Empty } from './bindings/Empty';
import type { ErrorBody } from './bindings/ErrorBody';
import type { LoginArgs } from './bindings/LoginArgs';
import type { LogoutArgs } from './bindings/LogoutArgs';
import type { PrintoutImage } from './bindings/PrintoutImage';
import type { PrintoutImageArgs } from './bindings/PrintoutImageArgs';
import type { SaleResult } from './bindings/SaleResult';
import type { SeatMap } from './bindings/SeatMap';
import type { SeatMapArgs } from './bindings/SeatMapArgs';
import type { SeatView } from './bindings/SeatView';
import type { SellArgs } from './bindings/SellArgs';
import type { Session } from './bindings/Session';
import type { ShowtimeSummary } from './bindings/ShowtimeSummary';
import type { ShowtimesArgs } from './bindings/ShowtimesArgs';
import type { Status } from './bindings/Status';
import type { SyncReport } from './bindings/SyncReport';
import type { Printout } from './bindings/Printout';
import type { PrinterView } from './bindings/PrinterView';
import type { ReprintArgs } from './bindings/ReprintArgs';
import type { TokenArgs } from './bindings/TokenArgs';
import type { BestAvailable } from './bindings/BestAvailable';
import type { BestAvailableArgs } from './bindings/BestAvailableArgs';
import type { CardArgs } from './bindings/CardArgs';
import type { ConflictView } from './bindings/ConflictView';
import type { LeaseSummary } from './bindings/LeaseSummary';
import type { ResolveConflictArgs } from './bindings/ResolveConflictArgs';
import type { HoldSeatsArgs } from './bindings/HoldSeatsArgs';
import type { HoldView } from './bindings/HoldView';
import type { ReleaseHoldArgs } from './bindings/ReleaseHoldArgs';
import type { BookingArgs } from './bindings/BookingArgs';
import type { BookingView } from './bindings/BookingView';
import type { Commands } from './bindings/Commands';

export type {
  Empty,
  LoginArgs,
  LogoutArgs,
  PrintoutImage,
  PrintoutImageArgs,
  SaleResult,
  SeatMap,
  SeatMapArgs,
  SeatView,
  SellArgs,
  Session,
  ShowtimeSummary,
  ShowtimesArgs,
  Status,
  SyncReport,
};
export type { BestAvailable, BestAvailableArgs, Printout, PrinterView, ReprintArgs, TokenArgs };
export type { CardArgs, ConflictView, LeaseSummary, ResolveConflictArgs };
export type { BookingArgs, BookingView, HoldSeatsArgs, HoldView, ReleaseHoldArgs };
/** Every command: its arguments and its result (generated from the engine's command table). */
export type { Commands };
export type { TicketTypePrice } from './bindings/TicketTypePrice';

/** The site currency: ISO code and number of decimals. */
export type Currency = CurrencyInfo;
/** The error shape of every command, over Tauri IPC and over HTTP alike. */
export type ApiError = ErrorBody;
export type Role = Session['role'];
export type SeatArea = SeatView['area'];
export type SeatKind = SeatView['kind'];
export type SeatState = SeatView['state'];

export type Command = keyof Commands;
