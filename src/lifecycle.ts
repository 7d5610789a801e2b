import type * as vscode from 'vscode';

/** Anything with a dispose(): VS Code's disposables, event emitters, timers wrapped by `toDisposable`. */
export interface IDisposable {
  dispose(): unknown;
}

export const toDisposable = (dispose: () => void): IDisposable => ({ dispose });

/**
 * Owns the disposables it registers and ends them, last registered first, when it is disposed.
 * Something registered after dispose() is ended at once.
 */
export abstract class Disposable implements vscode.Disposable {
  readonly #owned: IDisposable[] = [];
  #disposed = false;

  protected register<T extends IDisposable>(disposable: T): T {
    if (this.#disposed) {
      disposable.dispose();
    } else {
      this.#owned.push(disposable);
    }
    return disposable;
  }

  protected registerAll(...disposables: IDisposable[]): void {
    for (const d of disposables) {
      this.register(d);
    }
  }

  protected get isDisposed(): boolean {
    return this.#disposed;
  }

  dispose(): void {
    if (this.#disposed) {
      return;
    }
    this.#disposed = true;
    for (const d of this.#owned.splice(0).reverse()) {
      d.dispose();
    }
  }
}
