// The counter screen's state and what the cashier does with it: the board,
// the open seat map, the order (the selection and the parts set aside), the
// dialog on top, the sale. Built from the plain modules (holdKeeper,
// mapFeed, pollers, keymap, counterState); Counter.svelte lays it out and
// wires the DOM (focus, keys) to it.

import { tick, untrack } from 'svelte';
import { isLockedError, isSessionError, toBackendError, type Backend } from './backend';
import { partFromOrder, partsToSell, type BasketPart } from './basket';
import * as overlays from './counterState';
import { ABANDON_AFTER_MS, HOLD_RENEW_MS, HoldKeeper, selectionKey } from './holdKeeper';
import { engineText, t } from './i18n';
import { lang } from './lang.svelte';
import { keyAction, type KeyContext, type KeyPress } from './keymap';
import { MapFeed } from './mapFeed';
import { notices } from './notices.svelte';
import {
  confirmWheelchair,
  defaultTicketType,
  dragModeFor,
  dragSeat,
  emptyOrder,
  overrideKey,
  reconcile,
  removeSeat,
  toggleSeat,
} from './order';
import type { DragMode, Order } from './order';
import { sellFailure, type Settlement } from './payment';
import { Pollers } from './pollers';
import { companionFor, isSellable, sameMap } from './seatmap';
import { keptDay, tileView } from './showtimes';
import type { PrinterView, SaleResult, SeatMap, SeatView, Session, ShowtimeSummary, Status } from './types';
import type { PriceOverrideArgs } from './bindings/PriceOverrideArgs';

/** The status bar follows the link within a second or two (the engine probes central every 1.5 s while it is away). */
export const STATUS_EVERY_MS = 1_000;
export const SHOWTIMES_EVERY_MS = 60_000;
export const PRINTER_EVERY_MS = 10_000;
export const SEATS_EVERY_MS = 15_000;
/** The open map follows the local seat cache (kept live by central's seat events). */
export const LIVE_EVERY_MS = 200;
export const CLOCK_EVERY_MS = 15_000;

/** What the counter needs from the screen around it. */
export interface CounterDeps {
  backend: () => Backend;
  session: () => Session;
  onStatus: (s: Status) => void;
  onLogout: (message?: string) => void;
  /** A sale found no shift of the cashier's open: the screen around leads to opening one (the order is kept). */
  shiftNeeded?: () => void;
  /** Focus moves (the component owns the elements). */
  focusFirstFree: () => void;
  focusMap: () => void;
  focusBoard: () => void;
}

/** The party size a sale starts with (docs/COUNTER.md). */
export const DEFAULT_PARTY = 2;

export class Counter {
  now = $state(new Date());
  showtimes = $state<ShowtimeSummary[] | null>(null);
  /** The business day on the board; null is today (advance sales pick a later one). */
  boardDay = $state<string | null>(null);
  selectedId = $state<string | null>(null);
  map = $state<SeatMap | null>(null);
  mapLoading = $state(false);
  order = $state<Order>(emptyOrder());
  /** Parts of the order set aside ("add to order"): other ticket types or other showtimes, paid together. */
  basket = $state<BasketPart[]>([]);
  /** What is shown over the counter: one dialog at a time. */
  overlay = $state<overlays.Overlay>(overlays.NO_OVERLAY);
  /** The customer was shown the total (the pay dialog opened): giving the order up is a void. */
  presented = $state(false);
  /** An exchange under way: the order being built replaces these tickets. */
  exchange = $state<overlays.ExchangeCredit | null>(null);
  /** A `sell` call is under way. */
  selling = $state(false);
  printer = $state<PrinterView | null>(null);
  /** Party size for best available; digit keys set it. */
  party = $state(DEFAULT_PARTY);
  /** A wheelchair place the cashier chose, waiting for the answer: with a companion seat? */
  wheelchairAsk = $state<{ seat: SeatView; companion: SeatView | null; showtimeId: string } | null>(null);
  /** The area best available picks in (null: any area, the best seats). */
  bestArea = $state<SeatView['area'] | null>(null);

  readonly sale = $derived(overlays.saleOf(this.overlay));
  readonly busyOverlay = $derived(this.overlay.kind !== 'none');
  /** Seats chosen, something in the basket, a payment or its receipt open, a sale on its way:
   * the terminal installs a staged update only when this is false. */
  readonly midSale = $derived(
    this.order.seats.length > 0 ||
      this.basket.length > 0 ||
      this.selling ||
      this.exchange !== null ||
      ['pay', 'sale', 'void'].includes(this.overlay.kind),
  );
  readonly selectedShowtime = $derived(this.showtimes?.find((s) => s.id === this.selectedId) ?? null);
  readonly view = $derived(overlays.orderView(this.order, this.map, this.basket));

  private readonly feed: MapFeed;
  readonly keeper: HoldKeeper;
  private readonly pollers: Pollers;
  private dragMode: DragMode = 'add';
  private shownDay: string | null = null;

  constructor(private readonly deps: CounterDeps) {
    this.feed = new MapFeed({ call: (cmd, args) => deps.backend().call(cmd, args) }, {
      selectedId: () => this.selectedId,
      map: () => this.map,
      loading: () => this.mapLoading,
      setLoading: (b) => (this.mapLoading = b),
      blocked: () => this.busyOverlay || this.selling,
      apply: (id, fresh) => this.applyMap(id, fresh),
      dropped: (seats, live) => {
        if (live) notices.message('seats_taken', t('live.seatsTaken', { seats: seats.join(', ') }));
        // Added under an error already on screen (e.g. the failed sale that revealed it).
        else notices.detail('seats_unavailable', t('error.seatsGone', { seats: seats.join(', ') }));
      },
      report: (e) => this.report(e),
    });
    this.keeper = new HoldKeeper(
      {
        hold: (showtimeId, seats, holdId) =>
          deps.backend().call('hold_seats', {
            token: deps.session().token,
            showtime_id: showtimeId,
            seats,
            ...(holdId ? { hold_id: holdId } : {}),
          }),
        release: async (holdId) => {
          await deps.backend().call('release_hold', { token: deps.session().token, hold_id: holdId });
        },
      },
      {
        selection: () => this.order,
        dropFromSelection: (gone) => (this.order = { ...this.order, seats: this.order.seats.filter((s) => !gone.includes(s)) }),
        parts: () => this.basket,
        setParts: (parts) => (this.basket = parts),
        taken: (seats) => notices.message('seats_taken', t('live.seatsTaken', { seats: seats.join(', ') })),
        paused: () => this.sale !== null || this.selling,
        abandoned: () => {
          this.basket = [];
          this.presented = false;
          this.closeVoid();
          // The next customer's order is not the exchange of this one's tickets.
          this.exchange = null;
          this.order = { ...this.order, seats: [], price_override: null };
          this.closePay();
          notices.message('order_abandoned', t('basket.abandoned', { min: ABANDON_AFTER_MS / 60_000 }));
        },
      },
    );
    this.pollers = new Pollers([
      { every: CLOCK_EVERY_MS, run: () => (this.now = new Date()) },
      { every: STATUS_EVERY_MS, run: () => void this.refreshStatus() },
      // The printer is asked less often: a network printer's status is a TCP connection.
      { every: PRINTER_EVERY_MS, run: () => void this.refreshPrinter() },
      {
        every: SHOWTIMES_EVERY_MS,
        run: () => {
          if (!this.busyOverlay) void this.loadShowtimes();
        },
      },
      {
        every: SEATS_EVERY_MS,
        run: () => {
          if (!this.busyOverlay && !this.selling && this.selectedId) void this.feed.load(this.selectedId, { quiet: true });
        },
      },
      { every: LIVE_EVERY_MS, run: () => void this.feed.poll() },
      // Keep a long-open order's holds alive; abandon one nobody touches.
      { every: HOLD_RENEW_MS, run: () => this.keeper.tick() },
    ]);
  }

  start(): void {
    void this.loadShowtimes();
    void this.refreshPrinter();
    this.pollers.start();
  }

  stop(): void {
    this.pollers.stop();
  }

  /** Errors go to the banner; a dead session goes back to the login screen; a locked one shows the lock screen (not here). */
  report(e: unknown): void {
    if (isLockedError(e)) return;
    if (isSessionError(e)) this.deps.onLogout(t('error.sessionEnded'));
    else notices.error(e);
  }

  private printerAsked = false;

  async refreshPrinter(): Promise<void> {
    // One question at a time: an unreachable printer answers only after its timeout.
    if (this.printerAsked) return;
    this.printerAsked = true;
    try {
      this.printer = await this.deps.backend().call('printer_status', {});
    } catch {
      // Shown as unknown until the next poll.
    } finally {
      this.printerAsked = false;
    }
  }

  async printTestPage(): Promise<void> {
    try {
      await this.deps.backend().call('print_test_page', { token: this.deps.session().token });
    } catch (e) {
      this.report(e);
    }
    void this.refreshPrinter();
  }

  async refreshStatus(): Promise<void> {
    try {
      this.deps.onStatus(await this.deps.backend().call('status', {}));
    } catch {
      // The connectivity dot shows what it last knew; the next call that matters (a sale) reports its own error.
    }
  }

  async loadShowtimes(): Promise<void> {
    const day = this.boardDay;
    try {
      const list = await this.deps.backend().call('showtimes', { day });
      // Another day was picked meanwhile: its own load fills the board.
      if (day === this.boardDay) this.showtimes = list;
    } catch (e) {
      if (this.showtimes === null) this.showtimes = [];
      this.report(e);
    }
  }

  /** Shows a fresher map of showtime `id`; returns the seats that left the order (taken meanwhile). */
  private applyMap(id: string, fresh: SeatMap): string[] {
    if (!sameMap(this.map, fresh)) this.map = fresh;
    else if (this.map && this.map.version !== fresh.version) this.map.version = fresh.version;
    if (this.order.showtime_id !== id) {
      this.order = emptyOrder(id, defaultTicketType(fresh.ticket_types));
      return [];
    }
    const r = reconcile(this.order, fresh);
    this.order = r.order;
    return r.dropped;
  }

  /** Called from an effect: the order's seats are held at central while chosen (see holdKeeper). */
  watchSelection(): void {
    selectionKey(this.order);
    // An order emptied by a sale, a void or anything else starts the next one unseen.
    if (this.presented && this.basket.length === 0 && this.order.seats.length === 0) this.presented = false;
    if (this.sale || this.selling) return;
    this.keeper.selectionChanged();
  }

  /** Tells the terminal whether the counter is mid-sale, on every change (call inside an effect). */
  watchActivity(): void {
    const busy = this.midSale;
    untrack(() => {
      const token = this.deps.session().token;
      this.deps
        .backend()
        .call('counter_activity', { token, busy })
        .catch((e: unknown) => console.warn('counter_activity', e));
    });
  }

  /** Called from an effect: a new business day (after midnight roll-over) means a new board. */
  watchDay(day: string): void {
    if (this.shownDay !== null && day !== this.shownDay) {
      // An advance day still ahead stays chosen; one now past goes back to today.
      this.boardDay = keptDay(this.boardDay, day);
      this.selectedId = null;
      this.map = null;
      this.order = emptyOrder();
      void this.loadShowtimes();
    }
    this.shownDay = day;
  }

  /** `fromKeyboard` says whether the showtime's tile has the focus (then the seat map takes it). */
  async selectShowtime(s: ShowtimeSummary, fromKeyboard: () => boolean): Promise<void> {
    if (s.id === this.selectedId || !tileView(s).sellable) return;
    // Seats chosen for the showtime being left stay in the order, set aside.
    if (this.view.current !== null) await this.addToOrder();
    this.selectedId = s.id;
    this.map = null;
    this.order = emptyOrder(s.id, null);
    // Another screen may not have the area chosen for the last one.
    this.bestArea = null;
    const keyboard = fromKeyboard();
    await this.feed.load(s.id);
    // Chosen from the keyboard: carry on on the seat map.
    if (keyboard && this.selectedId === s.id && this.map) {
      await tick();
      this.deps.focusFirstFree();
    }
  }

  /** The board shows another business day: a new board, no open map. */
  async pickDay(day: string | null): Promise<void> {
    if (day === this.boardDay || this.busyOverlay || this.selling) return;
    // Seats chosen on this day's board stay in the order, set aside.
    if (this.view.current !== null) await this.addToOrder();
    this.boardDay = day;
    this.selectedId = null;
    this.map = null;
    this.order = emptyOrder();
    this.showtimes = null;
    void this.loadShowtimes();
  }

  /**
   * Whether taking `seats` out of the current selection would empty an
   * order the customer was shown the total of: that is a void, so the void
   * dialog opens instead (true).
   */
  private voidInstead(seats: readonly string[], partsLeft = this.basket.length): boolean {
    const left = this.order.seats.filter((s) => !seats.includes(s));
    if (!this.presented || partsLeft > 0 || left.length > 0 || this.orderSeats().length === 0) return false;
    this.overlay = overlays.openVoid(this.overlay, this.selling);
    return true;
  }

  /** Takes one seat out of the selection (its ✕ in the order panel). */
  removeSeat(label: string): void {
    if (this.voidInstead([label])) return;
    this.order = removeSeat(this.order, label);
  }

  toggle(seat: SeatView): void {
    if (this.order.seats.includes(seat.label) && this.voidInstead([seat.label])) return;
    if (this.view.setAside.includes(seat.label)) notices.message('set_aside', t('basket.alreadyIn', { seat: seat.label }));
    else if (
      seat.kind === 'wheelchair' &&
      this.map &&
      !this.order.seats.includes(seat.label) &&
      isSellable(seat.state) &&
      !(this.order.wheelchair_confirmed ?? []).includes(seat.label)
    ) {
      // A wheelchair place is never sold as a plain seat: ask first, and offer its companion seat.
      this.wheelchairAsk = {
        seat,
        companion: companionFor(this.map, seat, [...this.order.seats, ...this.view.setAside]),
        showtimeId: this.map.showtime_id,
      };
    } else this.order = toggleSeat(this.order, seat);
  }

  /** The cashier's answer about a wheelchair place: with its companion seat, alone, or not at all. */
  answerWheelchair(answer: 'companion' | 'alone' | 'cancel'): void {
    const ask = this.wheelchairAsk;
    this.wheelchairAsk = null;
    const map = this.map;
    if (!ask || answer === 'cancel' || !map || map.showtime_id !== ask.showtimeId || map.showtime_id !== this.order.showtime_id) return;
    // The map may have moved on while the question was open: take the seats as they are now.
    const seat = map.seats.find((s) => s.label === ask.seat.label);
    if (!seat || !isSellable(seat.state)) return;
    const companion = answer === 'companion' ? (map.seats.find((s) => s.label === ask.companion?.label) ?? null) : null;
    this.order = confirmWheelchair(this.order, seat, companion);
  }

  /** A drag across a row: it adds seats, or removes them when it started on a chosen one. */
  dragOver(seat: SeatView, start: SeatView): void {
    if (seat.label === start.label) this.dragMode = dragModeFor(this.order, start);
    if (this.view.setAside.includes(seat.label)) return;
    const next = dragSeat(this.order, seat, this.dragMode, start.y);
    const gone = this.order.seats.filter((s) => !next.seats.includes(s));
    if (gone.length > 0 && this.voidInstead(gone)) return;
    this.order = next;
  }

  /**
   * Applies a supervisor's price override (null removes it) once the engine
   * has checked the approver's PIN for it: a cashier's PIN is refused here,
   * before any price is struck out. Returns the refusal to show in the
   * dialog, or null when applied.
   */
  async setPriceOverride(o: PriceOverrideArgs | null): Promise<string | null> {
    if (o === null) {
      this.order = { ...this.order, price_override: null };
      return null;
    }
    // Approved for this order as it is now: another seat or ticket type needs a new approval.
    const key = overrideKey(this.order);
    try {
      await this.deps.backend().call('check_approval', {
        token: this.deps.session().token,
        action: 'price_override',
        approval: o.approval,
      });
    } catch (e) {
      if (isSessionError(e)) {
        this.deps.onLogout(t('error.sessionEnded'));
        return null;
      }
      return toBackendError(e).message;
    }
    if (overrideKey(this.order) !== key) return t('override.changed');
    this.order = { ...this.order, price_override: o, price_override_for: key };
    return null;
  }

  clearSeats(): void {
    if (this.presented && this.orderSeats().length > 0) {
      this.overlay = overlays.openVoid(this.overlay, this.selling);
      return;
    }
    this.order = { ...this.order, seats: [] };
  }

  /** Every seat of the order being built, `SHOWTIME:SEAT`. */
  orderSeats(): string[] {
    return partsToSell(this.basket, this.view.current).flatMap((p) => p.seats.map((s) => `${p.showtime_id}:${s}`));
  }

  /** Voids the order being built with an approval and a reason; the error to show, or null. */
  async voidOrder(reason: string, pin: string | null): Promise<string | null> {
    try {
      const done = await this.deps.backend().call('void_order', {
        token: this.deps.session().token,
        seats: this.orderSeats(),
        // What the customer was shown: after an exchange's credit.
        total_minor: overlays.dueAfterCredit(this.view.total, this.exchange),
        reason,
        ...(pin ? { approval: { pin } } : {}),
      });
      await this.keeper.releaseAll();
      this.basket = [];
      this.exchange = null;
      this.order = { ...this.order, seats: [], price_override: null };
      this.presented = false;
      this.overlay = overlays.NO_OVERLAY;
      notices.message('voided', t('void.done', { ref: done.reference, by: done.approved_by }));
      return null;
    } catch (e) {
      if (isSessionError(e)) {
        this.deps.onLogout(t('error.sessionEnded'));
        return null;
      }
      const err = toBackendError(e);
      return engineText(lang.current, err.code, err.message, err.params).join(' ');
    }
  }

  /** Keeps the order after all. */
  closeVoid(): void {
    if (this.overlay.kind === 'void') this.overlay = overlays.NO_OVERLAY;
  }

  async bestAvailable(): Promise<void> {
    if (!this.map || this.busyOverlay || this.selling) return;
    const showtimeId = this.map.showtime_id;
    const exclude = this.view.setAside;
    try {
      const pick = await this.deps.backend().call('best_available', {
        showtime_id: showtimeId,
        count: this.party,
        area: this.bestArea,
        accessible: false,
        ...(exclude.length > 0 ? { exclude: [...exclude] } : {}),
      });
      if (this.map?.showtime_id !== showtimeId) return;
      this.order = { ...this.order, seats: pick.seats };
      if (pick.split) notices.message('split', t('best.split', { groups: pick.groups.map((g) => g.join(' ')).join(' · ') }));
      if (pick.leased_only) notices.detail('leased_only', t('best.leasedOnly'));
    } catch (e) {
      this.report(e);
    }
  }

  openPay(): void {
    this.overlay = overlays.openPay(this.overlay, this.view.canPay, this.selling);
    if (this.overlay.kind === 'pay') this.presented = true;
  }

  closePay(): void {
    this.overlay = overlays.closePay(this.overlay);
  }

  openPanel(kind: overlays.PanelKind): void {
    this.overlay = overlays.openPanel(this.overlay, kind, kind === 'collect' && this.selling);
  }

  /** Closes a panel; the status bar catches up (collected seats were sold on the web already). */
  closePanel(kind: overlays.PanelKind, refresh = true): void {
    this.overlay = overlays.closePanel(this.overlay, kind);
    if (refresh) {
      void this.refreshStatus();
      void this.refreshPrinter();
    }
  }

  /** Starts an exchange: the order built next replaces `x`'s tickets. */
  startExchange(x: overlays.ExchangeCredit): void {
    this.exchange = x;
    this.overlay = overlays.closePanel(this.overlay, 'orders');
  }

  cancelExchange(): void {
    this.exchange = null;
  }

  async confirmPay(payment: Settlement, idChecked: boolean, overridePin: string | null): Promise<void> {
    const current = this.view.current ? { ...this.view.current, hold_id: this.keeper.selectionHoldId } : null;
    const parts = partsToSell(this.basket, current);
    const token = this.deps.session().token;
    const exchange = this.exchange;
    const args = overlays.sellArgs(token, parts, payment, idChecked, overridePin);
    const xArgs = exchange ? overlays.exchangeArgs(token, exchange, parts, payment, idChecked, overridePin) : null;
    if (this.selling || !args) return;
    this.selling = true;
    this.overlay = overlays.payAttempt(this.overlay);
    const showtimeId = this.map?.showtime_id ?? args.parts[0]?.showtime_id ?? '';
    try {
      let made: SaleResult;
      let back: overlays.MoneyBack | undefined;
      if (xArgs) {
        const done = await this.deps.backend().call('exchange', xArgs);
        made = done.sale;
        back = { cash_minor: done.cash_back_minor, card_minor: done.card_back_minor };
      } else {
        made = await this.deps.backend().call('sell', args);
      }
      this.exchange = null;
      // The sale's own holds replaced the selection's; central let go of them once sold.
      this.keeper.sold();
      this.basket = [];
      this.presented = false;
      this.overlay = overlays.saleMade(made, back);
      notices.dismiss();
    } catch (e) {
      const err = toBackendError(e);
      const what = sellFailure(err.code, overridePin !== null);
      // Central away and seats not leased here: a manager may override; payment errors are corrected in the dialog.
      this.overlay = overlays.saleRefused(this.overlay, what, err, !!overridePin, () =>
        overlays.overrideSeatsFor(parts, this.map),
      );
      if (what === 'override' || what === 'in_dialog') return;
      this.report(err);
      if (what === 'session') return;
      if (what === 'shift') {
        this.deps.shiftNeeded?.();
        return;
      }
      if (what === 'closed') {
        this.selectedId = null;
        this.map = null;
        this.order = emptyOrder();
        void this.loadShowtimes();
        return;
      }
      // Keep the order; refresh the map so seats taken meanwhile show up.
      if (this.map) await this.feed.load(showtimeId, { quiet: true });
      await tick();
      this.deps.focusMap();
    } finally {
      this.selling = false;
      // A refused sale's holds took over the order's: hold the seats again under the ids the counter knows.
      if (!this.sale) this.keeper.reHold();
    }
  }

  /**
   * "Add to order" (A): the selection as it is when the cashier asks is set
   * aside with its hold; seats tapped while central answers stay chosen, as
   * the start of the next selection.
   */
  async addToOrder(): Promise<void> {
    if (!this.view.canAdd || this.selling || this.sale) return;
    const asked = $state.snapshot(this.order);
    await this.keeper.setAside((holdId, taken) => {
      const seats = asked.seats.filter((s) => !taken.includes(s));
      const part = partFromOrder({ ...asked, seats }, this.map, holdId);
      if (!part) return false;
      this.basket = [...this.basket, part];
      this.order = { ...this.order, seats: this.order.seats.filter((s) => !asked.seats.includes(s)), price_override: null };
      return true;
    });
  }

  /** Takes a part out of the order and gives its seats back. */
  async removePart(index: number): Promise<void> {
    const part = this.basket[index];
    if (!part || this.selling) return;
    if (this.order.seats.length === 0 && this.voidInstead([], this.basket.length - 1)) return;
    this.basket = this.basket.filter((_, i) => i !== index);
    await this.keeper.removePart(part);
  }

  async newSale(): Promise<void> {
    const id = this.selectedId;
    this.overlay = overlays.NO_OVERLAY;
    // Every customer starts from the usual party of two, whatever the last one was.
    this.party = DEFAULT_PARTY;
    this.bestArea = null;
    this.order = emptyOrder(id, this.map ? defaultTicketType(this.map.ticket_types) : null);
    void this.refreshStatus();
    void this.refreshPrinter();
    void this.loadShowtimes();
    if (id) await this.feed.load(id);
    await tick();
    this.deps.focusFirstFree();
  }

  async logout(): Promise<void> {
    await this.keeper.releaseAll();
    this.basket = [];
    this.presented = false;
    try {
      await this.deps.backend().call('logout', { token: this.deps.session().token });
    } catch {
      // Leaving the counter must always work.
    }
    this.deps.onLogout();
  }

  /** A key pressed anywhere on the counter; true when it was the counter's (the caller prevents its default). */
  key(e: KeyPress, ctx: Omit<KeyContext, 'overlay'>): boolean {
    this.keeper.touch();
    const action = keyAction(e, { ...ctx, overlay: this.busyOverlay || this.wheelchairAsk !== null });
    if (!action) return false;
    if (action.kind === 'pay') this.openPay();
    else if (action.kind === 'best') void this.bestAvailable();
    else if (action.kind === 'board') this.deps.focusBoard();
    else if (action.kind === 'add') void this.addToOrder();
    else if (action.kind === 'conflicts') this.openPanel('conflicts');
    else if (action.kind === 'collect') this.openPanel('collect');
    else if (action.kind === 'orders') this.openPanel('orders');
    else if (action.kind === 'party') this.party = action.size;
    else if (notices.current) notices.dismiss();
    else this.clearSeats();
    return true;
  }
}
