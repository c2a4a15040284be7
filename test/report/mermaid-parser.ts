/** Mermaid's own parser, loaded in Node under jsdom globals that {@link MermaidParser.cleanup} removes. */
export interface MermaidParser {
  /** Resolves for a valid diagram, rejects with Mermaid's parse error otherwise. */
  parse(text: string): Promise<unknown>;
  cleanup(): void;
}

interface JsdomModule {
  JSDOM: new (html: string) => { window: { document: unknown; close(): void } };
}

const GLOBALS = ["window", "document"] as const;

/**
 * Sets up the browser globals Mermaid needs (from jsdom), then imports Mermaid: it reads them
 * when it loads, so the import must come after.
 */
export async function loadMermaidParser(): Promise<MermaidParser> {
  // A non-literal specifier: jsdom ships no types, and only this module touches it.
  const jsdomName = "jsdom";
  const { JSDOM } = (await import(jsdomName)) as JsdomModule;
  const dom = new JSDOM("<!doctype html><html><body></body></html>");
  const scope = globalThis as Record<string, unknown>;
  const saved = GLOBALS.map(
    (name) => [name, Object.getOwnPropertyDescriptor(scope, name)] as const,
  );
  scope.window = dom.window;
  scope.document = dom.window.document;
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false });
  return {
    parse: (text) => mermaid.parse(text),
    cleanup: () => {
      for (const [name, descriptor] of saved) {
        if (descriptor === undefined) delete scope[name];
        else Object.defineProperty(scope, name, descriptor);
      }
      dom.window.close();
    },
  };
}
