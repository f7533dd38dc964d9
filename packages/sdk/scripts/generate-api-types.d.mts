/** Absolute path of the generated file, packages/sdk/src/generated/api-types.ts. */
export declare const OUTPUT: string;
/** The proxy's OpenAPI document, read from a proxy started for the purpose. */
export declare function fetchOpenApiDocument(): Promise<Record<string, unknown>>;
/** The TypeScript source the generator would write now. */
export declare function generateApiTypes(): Promise<string>;
