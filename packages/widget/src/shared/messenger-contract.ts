/** What the loader hands the messenger module when it mounts it. */
export interface MessengerHost {
  /** The widget's open shadow root; the messenger renders inside it. */
  root: ShadowRoot;
  /** The gateway's base URL (no trailing slash), e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** The app the snippet booted. */
  appId: string;
}

/** What the messenger module gives back to the loader. */
export interface MessengerController {
  /** Shows the messenger, starting the session and connection if needed, and focuses the text box. */
  open(): void;
  /** Hides the messenger; the connection stays up so replies keep arriving. */
  close(): void;
  /** Starts the session and connection without showing anything (delivers a stored outbox). */
  connect(): void;
}

/** The shape of `<base>/widget/messenger.js`. */
export interface MessengerModule {
  /** Mounts the messenger into the host's shadow root. */
  mount(host: MessengerHost): MessengerController;
}
