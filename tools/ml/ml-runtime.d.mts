/** tools/ml: what `security.ml.runtime_dir` names to use this install. */
export declare const ML_RUNTIME_DIR: string;
/** Installs onnxruntime-node and @huggingface/tokenizers into tools/ml when they are missing. */
export declare function ensureMlRuntime(): void;
