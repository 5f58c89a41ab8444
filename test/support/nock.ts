/** Every test in the calling file runs offline: unmatched requests fail, and no mock leaks into the next test. */
import nock from "nock";
import { afterEach, beforeEach } from "vitest";

export function offline(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}
