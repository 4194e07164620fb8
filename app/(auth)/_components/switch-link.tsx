import Link from "next/link";

/** The line under a sign-in or sign-up form that leads to the other one ("No account yet? Sign up"). */
export function SwitchLink({ prompt, href, label }: { prompt: string; href: string; label: string }) {
  return (
    <p className="text-center text-sm text-slate-600">
      {prompt}{" "}
      <Link href={href} className="font-medium text-emerald-700 underline-offset-4 hover:underline">
        {label}
      </Link>
    </p>
  );
}
