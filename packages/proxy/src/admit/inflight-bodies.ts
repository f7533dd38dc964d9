/** What {@link InflightBodies.stats} reports (in `/health`). */
export interface InflightBodiesStats {
  /** Bytes of request bodies held now (being read, or read and not yet done with). */
  readonly inflightBytes: number;
  readonly maxBytes: number;
  /** Requests answered 503 because taking their body would have passed the bound. */
  readonly refused: number;
}

/**
 * One global bound on the request bodies held in memory at once (`limits.max_inflight_body_bytes`,
 * issue 14, item 7): 64 concurrent 31 MB posts took +1.1 GB before it. A request reserves its
 * declared `content-length` before a byte is read (a chunked body reserves as it arrives) and
 * releases it when the request is done; a reservation that would pass the bound is refused, and the
 * request answered 503 with `Retry-After`.
 *
 * @example
 * const bodies = new InflightBodies(256 * 1024 * 1024);
 * if (bodies.reserve(1024)) bodies.release(1024);
 */
export class InflightBodies {
  readonly #max: number;
  #bytes = 0;
  #refused = 0;

  constructor(maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError('limits.max_inflight_body_bytes must be a positive integer');
    }
    this.#max = maxBytes;
  }

  /** Takes `bytes` of the bound; false (and counted) when that would pass it. */
  reserve(bytes: number): boolean {
    if (this.#bytes + bytes > this.#max) {
      this.#refused += 1;
      return false;
    }
    this.#bytes += bytes;
    return true;
  }

  /** Gives back what {@link reserve} took. */
  release(bytes: number): void {
    this.#bytes = Math.max(0, this.#bytes - bytes);
  }

  stats(): InflightBodiesStats {
    return { inflightBytes: this.#bytes, maxBytes: this.#max, refused: this.#refused };
  }
}
