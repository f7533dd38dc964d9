import { readFileSync } from 'node:fs';
import { InjectionClassifier, parseModelFile } from './injection-classifier.js';

// src/classifier/ and dist/classifier/ both sit two levels below the package root.
const MODEL_URL = new URL('../../model/injection-model.json', import.meta.url);

let cached: InjectionClassifier | undefined;

/**
 * The classifier trained by scripts/train.mjs, loaded from model/injection-model.json on first use
 * and kept for the life of the process. A missing or malformed file is a packaging bug and throws.
 */
export function defaultClassifier(): InjectionClassifier {
  cached ??= new InjectionClassifier(parseModelFile(JSON.parse(readFileSync(MODEL_URL, 'utf8'))));
  return cached;
}
