/** TF's SecondOrStepTimer: triggers every N steps or every N seconds since the last trigger. */
export class StepTimer {
  private lastStep: number | null = null;
  private lastTime = 0;

  constructor(private readonly every: { everySecs?: number; everySteps?: number }) {}

  shouldTrigger(step: number): boolean {
    if (this.lastStep === null) return true;
    if (step === this.lastStep) return false;
    if (this.every.everySteps !== undefined) return step >= this.lastStep + this.every.everySteps;
    return Date.now() >= this.lastTime + (this.every.everySecs ?? 0) * 1000;
  }

  update(step: number): void {
    this.lastStep = step;
    this.lastTime = Date.now();
  }
}
