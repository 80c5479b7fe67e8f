// Where secret values come from: one provider at a time, chosen by secrets.provider.
export interface SecretProvider {
  kind: 'env' | 'file' | 'store';
  /** The value, or undefined when there is no such secret. Throws when it exists but may not be read. */
  get(name: string): string | undefined;
  /** Every secret's name. */
  names(): string[];
  /** Every secret at once, where the provider can do that cheaper than name by name. */
  all?(): { name: string; value: string }[];
  /** A sentence saying how to provide the secret `name`. */
  whereToSet(name: string): string;
}
