/**
 * plan with analysis.power: the fewest raters (in tens) whose simulated power for the smallest
 * effect of interest reaches the target, and bad power settings refused in one line.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoStudy } from '../helpers/app.js';
import { cli } from '../helpers/cli.js';

const withPower = (power: string) => (y: string) => y.replace('  adjust: holm\n', `  adjust: holm\n  power: ${power}\n`);

describe('plan with analysis.power', () => {
  it('searches for the raters that reach the target power, from the study\'s pilot ratings', async () => {
    const dir = await demoStudy({ edit: withPower('{ smallest_effect: 0.35, simulations: 40, scale: empathy }') });
    expect((await cli('simulate', dir, '--effect', 'human=0', '--effect', 'eliza=-0.5')).code).toBe(0);
    const r = await cli('plan', dir, '--json', '--workers', '2');
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).power;
    expect(p).toMatchObject({ smallestEffect: 0.35, target: 0.8, alpha: 0.05, adjust: 'holm', contrast: 'human - eliza', simulations: 40, posts: 36 });
    expect(p.componentsFrom).toMatch(/^the study's ratings \(scale empathy, \d+ ratings\)$/);
    expect(p.raters % 10).toBe(0);
    expect(p.point.power).toBeGreaterThanOrEqual(0.8);
    // The search ends where ten raters fewer fall short (or at the smallest step).
    const below = p.searched.find((s: { raters: number }) => s.raters === p.raters - 10);
    if (p.raters > 10) expect(below?.power).toBeLessThan(0.8);
    // And the text says it.
    const text = await cli('plan', dir, '--workers', '2');
    expect(text.stdout).toContain(`80% power needs about ${p.raters} raters on 36 posts`);
    // power on the study folder takes the same pilot, and says the type I error was not checked when asked not to.
    const power = await cli('power', dir, '--scale', 'empathy', '--raters', '20', '--simulations', '6', '--null-simulations', '0', '--workers', '2');
    expect(power.code).toBe(0);
    expect(power.stdout).toMatch(/components from the study's own ratings \(scale empathy, \d+ ratings\)/);
    expect(power.stdout).toContain('type I error not checked (--null-simulations 0)');
    expect(power.stdout).toMatch(/36 +20 +\d+ +(eliza - human|human - eliza) /);
  }, 240_000);

  it('takes the components from the manifest without pilot ratings, and --no-power skips the search', async () => {
    const dir = await demoStudy({ edit: withPower('{ smallest_effect: 0.5, simulations: 20, mean: 3.5, components: { sd_post: 0.2, sd_rater: 0.5, sd_post_rater: 0.2, sd_residual: 0.8 } }') });
    const r = await cli('plan', dir, '--json', '--workers', '1');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).power;
    expect(p.componentsFrom).toBe('analysis.power.components');
    expect(p.mean).toBe(3.5);
    expect(p.raters).toBeGreaterThan(0);
    const skipped = JSON.parse((await cli('plan', dir, '--json', '--no-power')).stdout);
    expect(skipped.power).toBeUndefined();
  }, 240_000);

  it('refuses a bad power setting, and no components without pilot ratings, in one line', async () => {
    const dir = await demoStudy();
    const file = path.join(dir, 'study.yaml');
    await writeFile(file, withPower('{ smallest_effect: 0 }')(await readFile(file, 'utf8')));
    const zero = await cli('plan', dir);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/analysis\.power\.smallest_effect: expected a difference in scale points above 0/);
    await writeFile(file, (await readFile(file, 'utf8')).replace('smallest_effect: 0 }', 'smallest_effect: 0.2, scale: warmth }'));
    const scale = await cli('plan', dir);
    expect(scale.stderr).toMatch(/analysis\.power\.scale: "warmth" is not a rated scale of the instrument; use one of/);
    await writeFile(file, (await readFile(file, 'utf8')).replace(', scale: warmth }', ' }'));
    const none = await cli('plan', dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/analysis\.power\.components.*no pilot ratings/);
    for (const x of [zero, scale, none]) expect(x.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
