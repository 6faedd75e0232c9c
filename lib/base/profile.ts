/**
 * A run profile: how much data and how many epochs the notebooks and the
 * main job use. `full` reproduces the series' results; `quick` runs every
 * cell in seconds on a small subset (the notebook tests use it).
 */
export interface Profile {
  /** `quick` or `full`. */
  readonly name: ProfileName;
  /** Training images used (at most 60,000). */
  readonly trainSize: number;
  /** Test images used (at most 10,000). */
  readonly testSize: number;
  /** Upper bound on epochs; a model's own default applies when it is lower. */
  readonly maxEpochs: number;
}

export type ProfileName = 'quick' | 'full';

/** Environment variable that picks the profile. */
export const PROFILE_ENV = 'MNIST_PROFILE';

const PROFILES: Record<ProfileName, Profile> = {
  quick: { name: 'quick', trainSize: 2000, testSize: 500, maxEpochs: 1 },
  full: { name: 'full', trainSize: 60000, testSize: 10000, maxEpochs: Infinity },
};

/**
 * Looks up a profile by name; throws on an unknown one.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function profileByName(name: string): Profile {
  const key = name.trim().toLowerCase();
  if (key === 'quick' || key === 'full') return PROFILES[key];
  throw new Error(`unknown profile "${name}" (${PROFILE_ENV} must be "quick" or "full")`);
}

/**
 * The profile chosen by the MNIST_PROFILE environment variable; `full` when unset.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function currentProfile(env: NodeJS.ProcessEnv = process.env): Profile {
  const value = env[PROFILE_ENV];
  return value === undefined || value === '' ? PROFILES.full : profileByName(value);
}

/**
 * The number of epochs to run: the model's default, capped by the profile.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function epochsFor(defaultEpochs: number, profile: Profile = currentProfile()): number {
  return Math.max(1, Math.min(defaultEpochs, profile.maxEpochs));
}

/**
 * One sentence on a profile, e.g. for the top of a notebook's output.
 *
 * Introduced in chapter 01 (Inspecting MNIST, notebooks/01-inspecting-mnist.ipynb).
 */
export function describeProfile(profile: Profile = currentProfile()): string {
  const epochs = Number.isFinite(profile.maxEpochs) ? `at most ${profile.maxEpochs} epoch${profile.maxEpochs === 1 ? '' : 's'}` : "each model's full epochs";
  const other = profile.name === 'full' ? 'quick' : 'full';
  return (
    `Profile **${profile.name}**: up to ${profile.trainSize.toLocaleString('en-US')} training and ` +
    `${profile.testSize.toLocaleString('en-US')} test images, ${epochs}. ` +
    `(Set ${PROFILE_ENV}=${other} before starting Jupyter for the ${other} profile.)`
  );
}
