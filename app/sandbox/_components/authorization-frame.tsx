import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";

export const WECHAT_GREEN = "#07c160";

/** WeChat's chrome around the authorization page: the in-app navigation bar (H5) or the mp.weixin.qq.com header (PC). */
export async function AuthorizationFrame({ mobile, children }: { mobile: boolean; children: ReactNode }) {
  const t = await getTranslations("sandbox.authorize");
  if (mobile) {
    return (
      <div className="min-h-screen bg-[#ededed] text-black/90">
        <header className="sticky top-0 z-10 grid h-12 grid-cols-[3rem_1fr_3rem] items-center border-b border-black/5 bg-[#ededed]">
          <span aria-hidden="true" className="text-center text-xl leading-none text-black/80">
            ×
          </span>
          <p className="truncate text-center text-[17px] font-medium">{t("frameTitle")}</p>
          <span aria-hidden="true" className="text-center text-xl leading-none tracking-widest text-black/80">
            ···
          </span>
        </header>
        <main className="mx-auto max-w-lg pb-10">{children}</main>
      </div>
    );
  }
  return (
    <div className="min-h-screen bg-[#f6f8f9] text-black/90">
      <header className="border-b border-black/5 bg-white">
        <div className="mx-auto flex h-16 max-w-5xl items-center gap-3 px-4 sm:px-6">
          <WechatLogo />
          <p className="text-lg font-medium">
            {t("mpHeader")}
            <span className="ml-2 text-sm font-normal text-black/60">mp.weixin.qq.com</span>
          </p>
          <span className="ml-auto rounded-full border border-dashed border-[#07c160] px-2.5 py-0.5 text-xs text-wechat-dark">
            {t("sandboxBadge")}
          </span>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-6 sm:px-6 sm:py-10">{children}</main>
    </div>
  );
}

export function WechatLogo({ className = "h-9 w-9" }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 40 40" className={className}>
      <circle cx="20" cy="20" r="20" fill={WECHAT_GREEN} />
      <ellipse cx="16.5" cy="17" rx="9" ry="7.5" fill="#fff" />
      <ellipse cx="24.5" cy="23" rx="8" ry="6.5" fill="#fff" stroke={WECHAT_GREEN} strokeWidth="1.2" />
      <circle cx="13.5" cy="15.5" r="1.2" fill={WECHAT_GREEN} />
      <circle cx="19.5" cy="15.5" r="1.2" fill={WECHAT_GREEN} />
      <circle cx="22" cy="22" r="1" fill={WECHAT_GREEN} />
      <circle cx="27" cy="22" r="1" fill={WECHAT_GREEN} />
    </svg>
  );
}

/** A QR-code-looking pattern derived from `seed` (nothing to scan: the sandbox confirms on the page itself). */
export function FakeQrCode({ seed, className = "h-44 w-44" }: { seed: string; className?: string }) {
  const size = 25;
  let h = 2166136261;
  const bits: boolean[] = [];
  for (let i = 0; i < size * size; i++) {
    h ^= seed.charCodeAt(i % Math.max(seed.length, 1)) + i;
    h = Math.imul(h, 16777619) >>> 0;
    bits.push(((h >>> 7) & 1) === 1);
  }
  const inFinder = (x: number, y: number) => (x < 8 && y < 8) || (x >= size - 8 && y < 8) || (x < 8 && y >= size - 8);
  const cells: ReactNode[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!inFinder(x, y) && bits[y * size + x])
        cells.push(<rect key={`${x}-${y}`} x={x} y={y} width="1" height="1" />);
    }
  }
  const finder = (x: number, y: number) => (
    <g key={`f${x}-${y}`}>
      <rect x={x} y={y} width="7" height="7" />
      <rect x={x + 1} y={y + 1} width="5" height="5" fill="#fff" />
      <rect x={x + 2} y={y + 2} width="3" height="3" />
    </g>
  );
  return (
    <svg aria-hidden="true" viewBox={`-1 -1 ${size + 2} ${size + 2}`} className={className} shapeRendering="crispEdges">
      <rect x="-1" y="-1" width={size + 2} height={size + 2} fill="#fff" />
      <g fill="#1f1f1f">
        {cells}
        {finder(0, 0)}
        {finder(size - 7, 0)}
        {finder(0, size - 7)}
      </g>
    </svg>
  );
}
