// One drawn page's lifetime: timers, event sources and listeners it started end when the
// router draws the next page, so a page left behind never polls on.

export class Page {
  constructor() {
    this.active = true;
    this.cleanups = [];
  }

  onLeave(fn) {
    this.cleanups.push(fn);
  }

  // Runs fn now and then every ms until the page is left or fn returns false; a slow answer
  // never overlaps the next.
  every(ms, fn) {
    let timer = null;
    const tick = async () => {
      if (!this.active) return;
      let again = true;
      try {
        again = (await fn()) !== false;
      } finally {
        if (this.active && again) timer = setTimeout(tick, ms);
      }
    };
    tick();
    this.onLeave(() => clearTimeout(timer));
  }

  leave() {
    this.active = false;
    for (const fn of this.cleanups.splice(0)) fn();
  }
}
