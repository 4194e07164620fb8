import { signOutAction } from "@/app/(auth)/actions";

/** 退出登录 in a shell's header: a plain form posting the sign-out action, so it works without JavaScript. */
export function SignOutButton({ label }: { label: string }) {
  return (
    <form action={signOutAction}>
      <button
        type="submit"
        className="rounded-lg px-2 py-1.5 text-sm font-medium whitespace-nowrap text-slate-600 transition-colors hover:bg-slate-100 hover:text-slate-900 sm:px-2.5"
      >
        {label}
      </button>
    </form>
  );
}
